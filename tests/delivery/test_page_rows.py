"""The project page's parts written in Python, against the template markup they replace:
the project header (every project page's) and the plan's rows read as tuples."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.template import Context, Template, engines

from tandem.core.roles import Role
from tandem.delivery import selectors
from tandem.delivery.models import AcceptanceState, Deliverable, Project, ProjectStatus, Task
from tandem.delivery.scheduling import ProjectCalendar, Timeline
from tandem.delivery.views.common import project_header
from tandem.delivery.views.projects import (
    ACCEPTANCE_BADGES,
    deliverables_context,
    plan_clock,
    plan_rows,
)
from tests.clients.factories import make_account
from tests.delivery.factories import make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# delivery/_project_header.html as the template engine wrote it before the header was
# written in Python (kept here as the reference).
HEADER_REFERENCE = """<nav aria-label="Breadcrumb"><ol class="breadcrumb small mb-2"><li class="breadcrumb-item"><a href="{% url 'delivery:project_list' %}">Projects</a></li><li class="breadcrumb-item active" aria-current="page">{{ project.code }}</li></ol></nav>
<div class="d-flex flex-wrap justify-content-between align-items-start gap-2 mb-2">
  <div class="min-w-0">
    <div class="text-body-secondary small" data-testid="project-code">Project {{ project.code }}{% if project.is_template %} · Template{% endif %}</div>
    <h1 class="h2 mb-1">{{ project.name }}</h1>
    <p class="mb-0"><span class="badge text-bg-{{ status_badge }}" data-testid="project-status">{{ project.get_status_display }}</span>
      {% if is_late %}<span class="badge text-bg-danger" data-testid="project-late">Late: finishes after its due date</span>{% endif %}</p>
  </div>
</div>
<dl class="row key-facts" data-testid="project-facts">
  <div class="col-6 col-lg-3"><dt>Account</dt><dd>{% if project.account %}<a href="{% url 'clients:account_detail' account_id=project.account.pk %}">{{ project.account.name }}</a>{% else %}Internal project{% endif %}</dd></div>
  <div class="col-6 col-lg-3"><dt>Project manager</dt><dd>{% if project.manager %}<a href="{% url 'people:user_detail' user_id=project.manager.pk %}">{{ project.manager.full_name|default:project.manager.email }}</a>{% else %}Nobody{% endif %}</dd></div>
  <div class="col-6 col-lg-3"><dt>Agreed dates</dt><dd>{{ project.start_date|date:"j M Y" }} – {% if project.due_date %}{{ project.due_date|date:"j M Y" }}{% else %}no due date{% endif %}</dd></div>
  <div class="col-6 col-lg-3"><dt>Scheduled finish</dt><dd>{% if scheduled_finish %}{{ scheduled_finish|date:"j M Y" }}{% else %}Not scheduled yet{% endif %}</dd></div>
</dl>
<ul class="nav nav-tabs mb-3 project-tabs list-views-tabs" data-testid="project-tabs">
  {% for tab in tabs %}<li class="nav-item"><a class="nav-link{% if tab.active %} active{% endif %}" href="{{ tab.url }}"{% if tab.active %} aria-current="page"{% endif %}><i class="ti ti-{{ tab.icon }} me-1" aria-hidden="true"></i>{{ tab.label }}</a></li>{% endfor %}
</ul>
"""


def _projects() -> list[Project]:
    am = make_user(role=Role.ACCOUNT_MANAGER)
    account = make_account(owner=am, name="Smith & <Sons>")
    late = make_project(
        manager=make_manager(full_name='Pia "the PM" <Manager>'), account=account, code="AB-1",
        name="<b>Rebuild</b> & more", status=ProjectStatus.PLANNING, due_date=dt.date(2027, 1, 4),
    )
    make_task(project=late, name="Long", duration_minutes=480 * 9)
    Project.objects.filter(pk=late.pk).update(code="A&B-1")  # escaped, whatever the form allows
    quiet = make_project(code="TPL-1", name="A template")
    type(quiet.manager).objects.filter(pk=quiet.manager_id).update(full_name="")  # the e-mail shows
    Project.objects.filter(pk=quiet.pk).update(is_template=True)
    nobody = make_project(code="INT-1", name="Internal", start_date=dt.date(2027, 9, 30))
    Project.objects.filter(pk=nobody.pk).update(manager=None)
    return [
        Project.objects.select_related("account", "manager").get(pk=project.pk) for project in (late, quiet, nobody)
    ]


def test_the_header_is_the_markup_the_template_wrote():
    reference = Template(HEADER_REFERENCE)
    projects = _projects()
    assert projects[0].account_id and projects[0].scheduled_finish and projects[1].manager.full_name == ""
    for project in projects:
        for active in ("overview", "gantt", "budget", "nothing"):
            context = project_header(project, active)
            assert str(context["project_header_html"]) == reference.render(Context(context)), (project.code, active)
    late = project_header(projects[0], "overview")
    assert late["is_late"] and "project-late" in late["project_header_html"]
    assert "&lt;b&gt;Rebuild&lt;/b&gt; &amp; more" in late["project_header_html"]


def test_plan_rows_read_as_tuples_are_the_rows_of_the_tasks():
    manager = make_manager()
    project = make_project(manager=manager, code="P-1")
    phase = make_task(project=project, name="Phase <one>")
    make_task(project=project, parent=phase, name="Design & build", duration_minutes=720)
    make_task(project=project, parent=phase, name="Go-live", duration_minutes=0, is_milestone=True)
    make_task(project=project, name="Review", duration_minutes=240)
    project = selectors.project_page_get(actor=manager, project_id=project.pk)
    clock = plan_clock(project)
    rows = selectors.plan_window(project=project, offset=0, limit=500)
    tasks = list(Task.objects.filter(project=project).order_by("outline_index", "pk"))
    assert [row.pk for row in rows] == [task.pk for task in tasks] and rows[0].plan_total == 4
    names = {tasks[1].pk: ["Max <Member>"]}
    for edit in (False, True):
        assert plan_rows(rows, names, clock=clock, edit=edit, page=2, focus=(tasks[1].pk, "up")) == plan_rows(
            tasks, names, clock=clock, edit=edit, page=2, focus=(tasks[1].pk, "up"),  # type: ignore[arg-type]
        )
    assert "Phase &lt;one&gt;" in plan_rows(rows, names, clock=clock)


# The deliverables section of project_detail.html as the template engine wrote it before
# its items were written in Python (kept here as the reference).
DELIVERABLES_REFERENCE = Path(__file__).with_name("deliverables_reference.html").read_text(encoding="utf-8")


def test_the_deliverables_section_is_the_markup_the_template_wrote():
    manager = make_manager()
    project = make_project(manager=manager, code="D-1")
    task = make_task(project=project, name="Design")
    Deliverable.objects.create(project=project, name="Pack <one> & two", acceptance_state="accepted",
                               due_date=dt.date(2027, 1, 5), accepted_on=dt.date(2027, 9, 7),
                               accepted_by='O\'Neil "client"', task=task)
    Deliverable.objects.create(project=project, name="Live site", due_date=dt.date(2027, 1, 7), acceptance_state="submitted")
    Deliverable.objects.create(project=project, name="Accepted, no date", acceptance_state="accepted")
    Deliverable.objects.create(project=project, name="Rejected", acceptance_state="rejected", accepted_by="Kept")
    engine = engines["django"]
    reference = engine.from_string(DELIVERABLES_REFERENCE)
    section = engine.get_template("delivery/project_detail.html#deliverables")
    for can_change in (True, False):
        context = deliverables_context(project, can_change=can_change, message="Saved & done")
        old = {**context, "deliverables": [
            {"deliverable": item, "badge": ACCEPTANCE_BADGES.get(item.acceptance_state, "secondary")}
            for item in context["deliverables"]
        ], "acceptance_choices": AcceptanceState.choices, "csrf_token": "the-token"}
        new = {**context, "csrf_token": "the-token"}
        assert section.render(new).strip() == reference.render(old).strip(), can_change
    assert deliverables_context(Project.objects.get(pk=make_project().pk), can_change=True)["deliverable_rows"] == []


def test_a_timeline_of_a_short_reach_answers_as_the_full_one():
    """The plan's summaries lay the calendar out over the plan's span only; a day outside
    it (before or after) is laid out when asked for, with the same answers."""
    holiday = dt.date(2027, 1, 6)
    calendar = ProjectCalendar.build(week=[[(540, 1020)]] * 5 + [[], []], exceptions={holiday: []})
    origin = dt.datetime(2027, 1, 4, 9)
    full, short = Timeline(calendar, origin), Timeline(calendar, origin, reach=(1, 3))
    for moment in (dt.datetime(2027, 1, 5, 12), dt.datetime(2027, 1, 7, 17), dt.datetime(2026, 3, 2, 10),
                   dt.datetime(2029, 8, 1, 11), dt.datetime(2027, 1, 4, 9)):
        assert short.offset(moment) == full.offset(moment), moment
    assert short.offset(dt.datetime(2027, 1, 7, 9)) == 2 * 480  # the holiday is not worked

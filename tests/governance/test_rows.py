"""The governance registers' rows written in Python (tandem.governance.views.rows) write
exactly what the template loops they replaced wrote: each reference below is that
template text, rendered with the same data and compared byte for byte."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from tandem.delivery.models import Deliverable
from tandem.governance.models import Meeting, MeetingSeries, Risk, RiskExposure
from tandem.governance.selectors.raci import raci_matrix
from tandem.governance.selectors.risks import heat_map
from tandem.governance.services import raci as raci_services
from tandem.governance.services.risks import risk_close, risk_mark_occurred
from tandem.governance.views.raci import LETTERS
from tandem.governance.views.risks import _heat, _rows
from tandem.governance.views.rows import (
    MEETING_ROW_FIELDS,
    RISK_ROW_FIELDS,
    RaciRowWriter,
    exposure_rows,
    heat_rows,
    meeting_rows,
    risk_rows,
)
from tests.clients.factories import make_account, make_contact
from tests.delivery.factories import make_project
from tests.factories import make_user
from tests.governance.factories_meetings import make_meeting, setup_world
from tests.governance.factories_raci import make_raci_world, set_letters
from tests.governance.factories_risks import make_risk

pytestmark = pytest.mark.django_db

# The template loops the writers replaced (from the templates as they were).
RISK_ROWS = (
    '{% for row in rows %}{% with risk=row.risk %}\n'
    '    <tr data-testid="risk-row">\n'
    '      <td data-label="Risk"><a href="{% url \'governance:risk_detail\' risk_id=risk.pk %}">{{ risk.title }}</a>\n'
    '        <div class="small text-body-secondary">{{ risk.get_category_display }}</div></td>\n'
    '      {% if show_subject %}<td data-label="Project or account">{% if risk.project %}{{ risk.project.code }} {{ risk.project.name }}{% else %}{{ risk.account.name }}{% endif %}</td>{% endif %}\n'
    '      <td data-label="Score" class="text-end"><span class="badge text-bg-{{ row.score_colour }}" data-testid="risk-score">{{ risk.score }} · {{ row.score_word }}</span>\n'
    '        <div class="small text-body-secondary">{{ risk.probability }} × {{ risk.impact }}</div></td>\n'
    '      <td data-label="Status"><span class="badge text-bg-{{ row.status_badge }}">{{ risk.get_status_display }}</span></td>\n'
    '      <td data-label="Owner">{% if risk.owner %}{{ risk.owner.full_name|default:risk.owner.email }}{% else %}<span class="text-body-secondary">Nobody yet</span>{% endif %}</td>\n'
    '      <td data-label="Review on">{% if risk.review_date %}{{ risk.review_date|date:"j M Y" }}{% else %}—{% endif %}</td>\n'
    '    </tr>\n'
    '  {% endwith %}{% endfor %}'
)
HEAT_ROWS = (
    '{% for row in heat %}\n'
    '            <tr><th scope="row" title="{{ row.word }}">{{ row.probability }}</th>\n'
    '            {% for cell in row.cells %}\n'
    '              <td class="heat-{{ cell.colour }}" data-testid="heat-cell-{{ row.probability }}-{{ cell.impact }}">\n'
    '                <a href="{{ cell.url }}" aria-label="{{ cell.count }} open risk{{ cell.count|pluralize }} with probability {{ row.probability }} and impact {{ cell.impact }} ({{ cell.word }})">{{ cell.count }}</a>\n'
    '              </td>\n'
    '            {% endfor %}</tr>\n'
    '          {% endfor %}'
)
EXPOSURE_ROWS = (
    '{% for point in trend %}<tr><td>{{ point.day|date:"j M Y" }}</td><td class="text-end">{{ point.exposure }}</td><td class="text-end">{{ point.open_risks }}</td></tr>{% endfor %}'
)
RACI_ROWS = (
    '{% for line in lines %}<tr id="raci-row-{{ line.row.pk }}">\n'
    '  <th scope="row" class="raci-row-name">{{ line.name }}\n'
    '    <div class="small fw-normal text-body-secondary">{{ line.row.get_kind_display }}{% if line.status %} · {{ line.status }}{% endif %}</div></th>\n'
    '  {% for person, letter in line.cells %}\n'
    '  <td class="text-center raci-cell">\n'
    '    <form method="post" action="{% url \'governance:raci_cell_set\' raci_row_id=line.row.pk %}" class="raci-cell-form"\n'
    '      {% if can_change %}hx-post="{% url \'governance:raci_cell_set\' raci_row_id=line.row.pk %}" hx-trigger="change" hx-target="#raci-row-{{ line.row.pk }}" hx-swap="outerHTML"{% endif %}>\n'
    '      {% csrf_token %}<input type="hidden" name="person" value="{{ person.key }}">\n'
    '      <label class="visually-hidden" for="raci-{{ line.row.pk }}-{{ person.key }}">{{ person.name }} on {{ line.name }}</label>\n'
    '<select class="form-select form-select-sm raci-letter{% if letter == \'A\' %} raci-a{% elif letter == \'R\' %} raci-r{% endif %}" id="raci-{{ line.row.pk }}-{{ person.key }}" name="letter" data-person="{{ person.key }}" {% if not can_change %}disabled{% endif %}>\n'
    '{% for value, label in letters %}<option value="{{ value }}"{% if value == letter %} selected{% endif %}>{% if value %}{{ value }}{% else %}—{% endif %}</option>{% endfor %}\n'
    '</select>\n'
    '\n'
    '      {% if can_change %}<button type="submit" class="btn btn-link btn-sm p-0 raci-save">Save</button>{% endif %}\n'
    '    </form>\n'
    '  </td>{% endfor %}\n'
    '  <td class="raci-check small" id="raci-check-{{ line.row.pk }}" data-testid="raci-check">\n'
    '    {% if cell_error %}<div class="text-danger" role="alert">Not saved: {{ cell_error }}</div>{% endif %}\n'
    '    {% for problem in line.check.problems %}<div class="text-danger">{{ problem }}</div>{% endfor %}\n'
    '    {% for warning in line.check.warnings %}<div class="text-warning-emphasis">{{ warning }}</div>{% endfor %}\n'
    '    {% if not line.check.needs_attention %}<span class="text-success">Complete</span>{% endif %}\n'
    '  </td>\n'
    '  {% if can_change %}<td class="text-nowrap">\n'
    '    <form method="post" action="{% url \'governance:raci_row_action\' raci_row_id=line.row.pk %}" class="d-inline">{% csrf_token %}\n'
    '      <button class="btn btn-sm btn-outline-secondary" name="move" value="up" aria-label="Move {{ line.name }} up">↑</button>\n'
    '      <button class="btn btn-sm btn-outline-secondary" name="move" value="down" aria-label="Move {{ line.name }} down">↓</button>\n'
    '      <button class="btn btn-sm btn-outline-danger" name="delete" value="1" aria-label="Delete the row {{ line.name }}">Delete</button>\n'
    '    </form></td>{% endif %}\n'
    '</tr>\n'
    '{% endfor %}'
)
MEETING_ROWS = (
    '{% for row in rows %}{% with m=row.meeting %}\n'
    '      <tr data-testid="meeting-row">\n'
    '        <td><time datetime="{{ m.starts_at|date:\'c\' }}"><span class="text-nowrap">{{ row.starts|date:"D j M Y" }},</span> <span class="text-nowrap">{{ row.starts|date:"H:i" }}–{{ row.ends|date:"H:i" }}</span></time></td>\n'
    '        <td><a href="{% url \'governance:meeting_detail\' meeting_id=m.pk %}">{{ m.title }}</a>{% if m.series_id %} <i class="ti ti-repeat text-body-secondary" title="Recurring" aria-hidden="true"></i><span class="visually-hidden">(recurring)</span>{% endif %}<div class="d-md-none small text-body-secondary">{{ m.get_kind_display }}{% if m.project %} · {{ m.project.name }}{% elif m.account %} · {{ m.account.name }}{% endif %}</div></td>\n'
    '        <td class="d-none d-md-table-cell">{{ m.get_kind_display }}</td>\n'
    '        <td class="d-none d-md-table-cell">{% if m.project %}<a href="{% url \'governance:project_meetings\' project_id=m.project_id %}">{{ m.project.code }} {{ m.project.name }}</a>{% else %}—{% endif %}</td>\n'
    '        <td class="d-none d-md-table-cell">{% if m.account %}<a href="{% url \'clients:account_detail\' account_id=m.account_id %}">{{ m.account.name }}</a>{% else %}—{% endif %}</td>\n'
    '        <td><span class="badge {% if m.status == \'held\' %}text-bg-success{% elif m.status == \'cancelled\' %}text-bg-secondary{% else %}text-bg-info{% endif %}">{{ m.get_status_display }}</span></td>\n'
    '      </tr>\n'
    '    {% endwith %}{% endfor %}'
)


def _render(reference: str, **context: object) -> str:
    return Template(reference).render(Context(context))


@pytest.mark.parametrize("show_subject", [False, True])
def test_risk_rows_match_the_register_template(show_subject):
    project = make_project(name="Roll-out <A&B>", code="RD-1")
    owner = make_user(full_name="")
    named = make_user(full_name='Jo "The" <Owner>')
    make_risk(project=project, title="<script>x</script> & co", owner=owner, probability=5, impact=5,
              review_date=dt.date(2027, 1, 9))
    make_risk(project=project, title="Plain", owner=named, probability=2, impact=4, category="client")
    risk_close(actor=None, risk=make_risk(project=project, title="Closed one", probability=1, impact=1))
    risk_mark_occurred(actor=None, risk=make_risk(project=project, title="Happened", probability=3, impact=3))
    make_risk(account=make_account(name="Acme & Sons <Ltd>"), title="Sponsor leaves", review_date=dt.date(2026, 12, 31))
    risks = Risk.objects.select_related("project", "account", "owner").order_by("pk")
    reference = _render(RISK_ROWS, rows=_rows(risks), show_subject=show_subject)
    assert str(risk_rows(risks.values(*RISK_ROW_FIELDS), show_subject=show_subject)) == reference
    assert reference.count('data-testid="risk-row"') == 5 and "&lt;script&gt;" in reference


def test_heat_and_exposure_rows_match_the_risks_tab_template():
    project = make_project()
    for probability, impact in ((5, 1), (4, 3), (4, 3), (1, 5)):
        make_risk(project=project, probability=probability, impact=impact)
    heat = _heat(heat_map(risks=Risk.objects.filter(project=project)), "/governance/projects/1/risks/")
    assert str(heat_rows(heat)) == _render(HEAT_ROWS, heat=heat)
    trend = [RiskExposure(project=project, day=dt.date(2027, month, day), exposure=exposure, open_risks=risks)
             for month, day, exposure, risks in ((1, 1, 0, 0), (2, 28, 16, 1), (12, 31, 125, 9))]
    for zone in ("UTC", "Pacific/Auckland"):
        with timezone.override(zone):
            assert str(exposure_rows(trend)) == _render(EXPOSURE_ROWS, trend=trend)


@pytest.mark.parametrize("can_change", [True, False])
def test_raci_rows_match_the_grid_template(can_change):
    world = make_raci_world(people=3, rows=6)
    project, manager, members = world["project"], world["manager"], world["members"]
    contact = make_contact(account=world["account"], first_name="Siobhán", last_name="O'Brien <CFO>")
    raci_services.stakeholder_add(actor=manager, project=project, contact=contact, data={"role": "Sponsor & payer"})
    deliverable = Deliverable.objects.create(project=project, name="Sign-off <pack>")
    raci_services.raci_row_add(actor=manager, project=project, kind="deliverable", deliverable=deliverable)
    activity = raci_services.raci_row_add(actor=manager, project=project, kind="activity", activity='Steering "board" & co')
    rows = world["rows"]
    for row in rows[:4]:  # one person Accountable for 4 of the 8 rows: no warning; then 5: a warning
        set_letters(row, manager, {manager: "A", members[0]: "R"})
    set_letters(rows[4], manager, {manager: "A", members[1]: "C"})  # no Responsible
    set_letters(rows[5], manager, {members[0]: "I"})  # no Accountable
    raci_services.raci_cell_set(actor=manager, row=activity, person=f"contact:{contact.pk}", letter="R")
    matrix = raci_matrix(project=project)
    assert any(line.check.warnings for line in matrix.rows) and any(line.check.problems for line in matrix.rows)
    writer = RaciRowWriter(letters=LETTERS, can_change=can_change, csrf_token="t0k3n")
    context = {"letters": LETTERS, "can_change": can_change, "csrf_token": "t0k3n"}
    assert str(writer.rows(matrix.rows)) == _render(RACI_ROWS, lines=matrix.rows, **context)
    line = matrix.rows[0]
    assert writer.row(line, cell_error="Only one <A>") == _render(
        RACI_ROWS, lines=[line], cell_error="Only one <A>", **context)
    assert f'action="{reverse("governance:raci_cell_set", kwargs={"raci_row_id": line.row.pk})}"' in writer.row(line)


def test_meeting_rows_match_the_list_template():
    world = setup_world()
    pm = world["pm"]
    world["project"].name = "Portal <relaunch> & more"
    world["project"].save()
    make_meeting(actor=pm, project=world["project"], title="Kick-off <1>")
    make_meeting(actor=world["am"], account=world["account"], title="QBR", kind="qbr",
                 starts_at=dt.datetime(2027, 12, 31, 23, 30, tzinfo=dt.UTC), minutes=45)
    make_meeting(actor=pm, project=world["project"], title="Internal", starts_at=dt.datetime(2027, 6, 6, 0, 5, tzinfo=dt.UTC))
    Meeting.objects.filter(title="QBR").update(status="held")
    Meeting.objects.filter(title="Internal").update(status="cancelled")
    series = Meeting.objects.get(title="Internal")
    series.series = MeetingSeries.objects.create(project=world["project"], title="Weekly", rrule="FREQ=WEEKLY",
                                                 first_starts_at=series.starts_at)
    series.save()
    meetings = Meeting.objects.select_related("project", "account", "series").order_by("starts_at", "pk")
    for zone in ("Europe/Berlin", "America/New_York"):
        with timezone.override(zone):
            reference = _render(MEETING_ROWS, rows=[
                {"meeting": meeting, "starts": meeting.starts_at.astimezone(dt.UTC),
                 "ends": meeting.ends_at.astimezone(dt.UTC)} for meeting in meetings])
            assert str(meeting_rows(meetings.values(*MEETING_ROW_FIELDS))) == reference
    assert reference.count('data-testid="meeting-row"') == 3 and "(recurring)" in reference

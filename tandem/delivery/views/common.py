"""What the delivery pages share: status badges, dates and durations as people read them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString

from tandem.core import registry
from tandem.core.rows import DateText, UrlPattern, esc, joined
from tandem.delivery.calendars import project_time_zone
from tandem.delivery.models import Project, ProjectStatus, TaskStatus

ME = "me"

PROJECT_STATUS_BADGES: dict[str, str] = {
    ProjectStatus.PROPOSED: "secondary",
    ProjectStatus.PLANNING: "info",
    ProjectStatus.ACTIVE: "success",
    ProjectStatus.ON_HOLD: "warning",
    ProjectStatus.COMPLETED: "dark",
    ProjectStatus.CANCELLED: "danger",
}
TASK_STATUS_BADGES: dict[str, str] = {
    TaskStatus.TO_DO: "secondary",
    TaskStatus.IN_PROGRESS: "primary",
    TaskStatus.BLOCKED: "danger",
    TaskStatus.DONE: "success",
}
PROJECT_STATUS_LABELS = dict(ProjectStatus.choices)
TASK_STATUS_LABELS = dict(TaskStatus.choices)
DEFAULT_MINUTES_PER_DAY = 480


def me_or_id(value: str, actor: Any) -> int | None:
    """``me`` is the actor; digits are a user id; anything else is no filter."""
    if value == ME:
        return int(actor.pk)
    return int(value) if value.isdigit() else None


def project_badge(status: str) -> str:
    """A project's status as a coloured badge with its word (never colour alone)."""
    label = esc(PROJECT_STATUS_LABELS.get(status, status))
    return f'<span class="badge text-bg-{PROJECT_STATUS_BADGES.get(status, "secondary")}">{label}</span>'


def task_badge(status: str) -> str:
    label = esc(TASK_STATUS_LABELS.get(status, status))
    return f'<span class="badge text-bg-{TASK_STATUS_BADGES.get(status, "secondary")}">{label}</span>'


def day_text(day: dt.date | None) -> str:
    """``4 Jan 2027`` (``—`` when there is none)."""
    return f"{day.day} {day:%b %Y}" if day else "—"


def days_text(minutes: int | None, minutes_per_day: int) -> str:
    """Working minutes as days of the project's calendar: ``5d``, ``2.5d``, ``0d``."""
    if minutes is None:
        return "—"
    days = (Decimal(minutes) / Decimal(minutes_per_day or DEFAULT_MINUTES_PER_DAY)).quantize(Decimal("0.01"))
    text = f"{days.normalize():f}"
    return f"{text}d"


def is_late(finish: dt.date | None, due: dt.date | None) -> bool:
    return bool(finish and due and finish > due)


# The project page's tabs from delivery, in order: (key, label, url name taking
# ``project_id``, icon). They are registered with core (``registry.record_tab``), where
# later apps add theirs (governance's Status, Meetings, Risks, …); the header
# (delivery/_project_header.html) shows them all and marks the current one.
PROJECT_TABS: list[tuple[str, str, str, str]] = [
    ("overview", "Overview", "delivery:project_detail", "layout-dashboard"),
    ("gantt", "Gantt", "delivery:project_gantt", "chart-bar"),
    ("baselines", "Baselines", "delivery:project_baselines", "flag"),
    ("forecast", "Forecast", "delivery:project_forecast", "chart-histogram"),
    ("budget", "Budget", "delivery:project_budget", "coin"),
    ("board", "Board", "delivery:project_board", "layout-kanban"),
    ("resources", "Resources", "delivery:project_resources", "users"),
]
for _order, (_key, _label, _name, _icon) in enumerate(PROJECT_TABS):
    registry.record_tab(Project, key=_key, label=_label, url_name=_name, icon=_icon, order=10 * (_order + 1))


def project_tabs(project: Any, active: str, viewer: Any = None) -> list[dict[str, Any]]:
    """The tabs of ``project``'s pages, ``active`` marked (see ``registry.record_tabs``)."""
    return [
        {"key": tab.key, "label": tab.label, "url": UrlPattern(tab.url_name, "project_id")(project.pk),
         "icon": tab.icon, "active": tab.key == active}
        for tab in registry.record_tabs(Project, viewer, project)
    ]


def project_header(project: Any, active: str, *, zone: Any = None) -> dict[str, Any]:
    """What every project page's header (delivery/_project_header.html) shows: the
    status badge, the scheduled finish in the project's time zone, whether it is late,
    and the tabs with ``active`` marked; ``project_header_html`` is the header written
    (:func:`header_html`). Pass ``zone`` when the page has read the project's calendar
    already; otherwise the organisation's time zone (every project's times are in it) is
    read here, one query."""
    if zone is None:
        zone = project_time_zone()
    finish = project.scheduled_finish.astimezone(zone).date() if project.scheduled_finish else None
    context = {
        "project": project,
        "status_badge": PROJECT_STATUS_BADGES.get(project.status, "secondary"),
        "scheduled_finish": finish,
        "is_late": is_late(finish, project.due_date),
        "tabs": project_tabs(project, active),
    }
    context["project_header_html"] = header_html(context)
    return context


def header_html(context: dict[str, Any]) -> SafeString:
    """The project header (breadcrumb, code, name, status, key facts, tabs) written in
    Python; the markup is what delivery/_project_header.html wrote with the template
    engine (pinned in tests/delivery/test_pages.py)."""
    project = context["project"]
    months = DateText().months

    def day(value: dt.date | None) -> str:  # |date:"j M Y"
        return "" if value is None else f"{value.day} {months[value.month]} {value.year:04d}"

    code = esc(project.code)
    if project.account_id is not None:
        account = project.account
        account_html = f'<a href="{UrlPattern("clients:account_detail", "account_id")(account.pk)}">{esc(account.name)}</a>'
    else:
        account_html = "Internal project"
    if project.manager_id is not None:
        manager = project.manager
        manager_html = (f'<a href="{UrlPattern("people:user_detail", "user_id")(manager.pk)}">'
                        f"{esc(manager.full_name or manager.email)}</a>")
    else:
        manager_html = "Nobody"
    due = day(project.due_date) if project.due_date else "no due date"
    finish = day(context["scheduled_finish"]) if context["scheduled_finish"] else "Not scheduled yet"
    late = ('<span class="badge text-bg-danger" data-testid="project-late">Late: finishes after its due date</span>'
            if context["is_late"] else "")
    tabs = []
    for tab in context["tabs"]:
        active, current = (" active", ' aria-current="page"') if tab["active"] else ("", "")
        tabs.append(
            f'<li class="nav-item"><a class="nav-link{active}" href="{esc(tab["url"])}"{current}>'
            f'<i class="ti ti-{esc(tab["icon"])} me-1" aria-hidden="true"></i>{esc(tab["label"])}</a></li>'
        )
    return joined([
        f'<nav aria-label="Breadcrumb"><ol class="breadcrumb small mb-2"><li class="breadcrumb-item"><a href="{esc(reverse("delivery:project_list"))}">Projects</a></li>'
        f'<li class="breadcrumb-item active" aria-current="page">{code}</li></ol></nav>\n',
        '<div class="d-flex flex-wrap justify-content-between align-items-start gap-2 mb-2">\n  <div class="min-w-0">\n',
        f'    <div class="text-body-secondary small" data-testid="project-code">Project {code}{" · Template" if project.is_template else ""}</div>\n',
        f'    <h1 class="h2 mb-1">{esc(project.name)}</h1>\n',
        f'    <p class="mb-0"><span class="badge text-bg-{esc(context["status_badge"])}" data-testid="project-status">{esc(project.get_status_display())}</span>\n',
        f"      {late}</p>\n  </div>\n</div>\n",
        '<dl class="row key-facts" data-testid="project-facts">\n',
        f'  <div class="col-6 col-lg-3"><dt>Account</dt><dd>{account_html}</dd></div>\n',
        f'  <div class="col-6 col-lg-3"><dt>Project manager</dt><dd>{manager_html}</dd></div>\n',
        f'  <div class="col-6 col-lg-3"><dt>Agreed dates</dt><dd>{day(project.start_date)} – {due}</dd></div>\n',
        f'  <div class="col-6 col-lg-3"><dt>Scheduled finish</dt><dd>{finish}</dd></div>\n</dl>\n',
        f'<ul class="nav nav-tabs mb-3 project-tabs list-views-tabs" data-testid="project-tabs">\n  {"".join(tabs)}\n</ul>\n',
    ])

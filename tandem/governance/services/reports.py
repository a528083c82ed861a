"""Status reports (issue 10, point 1): draft one from the project's data, edit it,
publish it to the stakeholders who receive reports, delete a draft.

The draft generator reads delivery through its selectors (earned value, the plan) and
governance's own risks, and writes *facts*: statements, each with the link to the page
that lists the rows behind it. The suggested RAGs follow the rules below (also in
docs/governance.md, "Status reports", and docs/kpis.md, "Status report RAG"):

* **Schedule** — red when SPI < 0.85; amber when SPI < 0.95 or a milestone was missed in
  the period; green otherwise (an SPI not measurable yet counts as on schedule).
* **Budget** — red when CPI < 0.85 or the budget burnt (AC ÷ BAC) runs more than 20
  points ahead of the percent complete; amber when CPI < 0.95 or it runs more than 10
  points ahead; green otherwise.
* **Scope** — red when a deliverable was rejected or a scope risk has occurred; amber
  when an open scope risk scores 15 or more, or a deliverable is past its due date and
  not accepted; green otherwise. (Tandem has no change-request record yet; these are
  the scope signals that exist.)
* **Overall** — the worst of the three.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tandem.commercial.currency import MissingRateError
from tandem.commercial.formatting import money_text
from tandem.core.errors import PermissionDeniedError
from tandem.core.events import event_publish
from tandem.core.notifications import notification_send
from tandem.core.permissions import require_change, require_create
from tandem.core.services import model_create, model_delete, model_update
from tandem.delivery.calendars import project_time_zone
from tandem.delivery.events import project_event_scope
from tandem.delivery.models import Deliverable, Project, Task, TaskStatus
from tandem.delivery.models.projects import AcceptanceState
from tandem.delivery.policies import manages
from tandem.delivery.selectors.earned_value import earned_value
from tandem.governance.models import Risk, Stakeholder, StatusReport
from tandem.governance.models.common import Rag
from tandem.governance.models.reports import ReportStatus
from tandem.governance.models.risks import RiskCategory, RiskStatus

logger = logging.getLogger("tandem.governance.reports")

PERIOD_DAYS = 14
HIGH_RISK_SCORE = 15
NAMES_SHOWN = 5
SPI_GREEN = Decimal("0.95")
SPI_AMBER = Decimal("0.85")
CPI_GREEN = Decimal("0.95")
CPI_AMBER = Decimal("0.85")
BURN_AHEAD_AMBER = Decimal(10)
BURN_AHEAD_RED = Decimal(20)
RAG_ORDER = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}
EDITABLE_FIELDS = ("schedule_rag", "budget_rag", "scope_rag", "overall_rag", "summary", "accomplishments",
                   "next_steps", "blockers")


def safe_reverse(name: str, *, query: dict[str, Any] | None = None, fragment: str = "", **kwargs: Any) -> str:
    """The URL of ``name`` with ``query``; "" when the route does not exist (yet): the
    risk pages are another part's, and a fact without a link is better than an error."""
    try:
        url = reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""
    if query:
        url = f"{url}?{urlencode(query)}"
    return f"{url}#{fragment}" if fragment else url


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:NAMES_SHOWN])
    more = len(items) - NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _pct(value: Decimal | None) -> str:
    return "not measurable yet" if value is None else f"{value.quantize(Decimal('0.1'))} %"


def worst(*rags: str) -> str:
    return max(rags, key=lambda rag: RAG_ORDER.get(Rag(rag), 0))


def schedule_rag(*, spi: Decimal | None, missed_milestones: int) -> str:
    """Red: SPI < 0.85. Amber: SPI < 0.95 or a milestone missed. Green otherwise."""
    if spi is not None and spi < SPI_AMBER:
        return Rag.RED
    if (spi is not None and spi < SPI_GREEN) or missed_milestones:
        return Rag.AMBER
    return Rag.GREEN


def budget_rag(*, cpi: Decimal | None, burn: Decimal | None, complete: Decimal | None) -> str:
    """Red: CPI < 0.85 or burn % more than 20 points ahead of percent complete. Amber:
    CPI < 0.95 or more than 10 points ahead. Green otherwise."""
    ahead = burn - complete if burn is not None and complete is not None else None
    if (cpi is not None and cpi < CPI_AMBER) or (ahead is not None and ahead > BURN_AHEAD_RED):
        return Rag.RED
    if (cpi is not None and cpi < CPI_GREEN) or (ahead is not None and ahead > BURN_AHEAD_AMBER):
        return Rag.AMBER
    return Rag.GREEN


def scope_rag(*, rejected_deliverables: int, occurred_scope_risks: int, high_scope_risks: int,
              late_deliverables: int) -> str:
    """Red: a deliverable rejected or a scope risk occurred. Amber: an open scope risk
    scoring 15+ or a deliverable past due and not accepted. Green otherwise."""
    if rejected_deliverables or occurred_scope_risks:
        return Rag.RED
    if high_scope_risks or late_deliverables:
        return Rag.AMBER
    return Rag.GREEN


@dataclass
class Draft:
    """What the generator read and wrote, before it is stored."""

    facts: list[dict[str, str]] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    accomplishments: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)

    def fact(self, section: str, text: str, url: str = "") -> None:
        self.facts.append({"section": section, "text": text, "url": url})


def _local_date(value: dt.datetime | None, zone: Any) -> dt.date | None:
    return value.astimezone(zone).date() if value is not None else None


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def generate(*, project: Project, period_start: dt.date, period_end: dt.date,
             previous: StatusReport | None) -> tuple[Draft, dict[str, str]]:
    """The facts, metrics, prefilled texts and suggested RAGs of ``project`` for the
    period (the caller has checked the permission)."""
    zone = project_time_zone()
    draft = Draft()
    pid = project.pk
    plan_url = safe_reverse("delivery:project_detail", project_id=pid, fragment="plan")
    gantt_url = safe_reverse("delivery:project_gantt", project_id=pid)
    budget_url = safe_reverse("delivery:project_budget", project_id=pid, query={"on": period_end.isoformat()})
    done_url = safe_reverse("delivery:project_board", project_id=pid, query={"status": TaskStatus.DONE})
    blocked_url = safe_reverse("delivery:project_board", project_id=pid, query={"status": TaskStatus.BLOCKED})
    deliverables_url = safe_reverse("delivery:project_detail", project_id=pid, fragment="deliverables")

    # Progress, budget, CPI / SPI (delivery's earned value at the period's end).
    try:
        value = earned_value(project=project, status_date=period_end, zone=zone)
    except MissingRateError:
        value = None
    complete = value.done_percent if value else None
    then = (previous.metrics or {}).get("percent_complete") if previous else None
    draft.metrics.update({
        "percent_complete": _decimal_text(complete),
        "previous_percent_complete": then,
        "planned_percent": _decimal_text(value.planned_percent) if value else None,
        "currency": project.currency,
        "budget": _decimal_text(value.bac) if value else str(project.budget),
        "actual_cost": _decimal_text(value.ac) if value else None,
        "burn_percent": _decimal_text(value.spent_percent) if value else None,
        "cpi": _decimal_text(value.cpi) if value else None,
        "spi": _decimal_text(value.spi) if value else None,
        "pv": _decimal_text(value.pv) if value else None,
        "ev": _decimal_text(value.ev) if value else None,
    })
    if then is not None:
        draft.fact("progress", f"Progress: {_pct(Decimal(then))} complete at the last report → {_pct(complete)} now.",
                   plan_url)
    else:
        draft.fact("progress", f"Progress: {_pct(complete)} complete.", plan_url)
    if value is None:
        draft.fact("budget", "Budget: not measurable (an amount in another currency has no exchange rate).", budget_url)
    else:
        if value.bac:
            draft.fact("budget", f"Budget burn: {money_text(value.ac, value.currency)} spent of "
                       f"{money_text(value.bac, value.currency)} ({_pct(value.spent_percent)}).", budget_url)
        else:
            draft.fact("budget", f"Budget burn: {money_text(value.ac, value.currency)} spent; the project has no budget.",
                       budget_url)
        cpi = "not measurable yet" if value.cpi is None else f"{value.cpi:.2f}"
        spi = "not measurable yet" if value.spi is None else f"{value.spi:.2f}"
        draft.fact("budget", f"Cost performance (CPI): {cpi}.", budget_url)
        draft.fact("schedule", f"Schedule performance (SPI): {spi}.", budget_url)

    # Milestones hit and missed in the period.
    hit: list[str] = []
    missed: list[str] = []
    milestones = Task.objects.filter(project=project, is_milestone=True).order_by("outline_index", "pk")
    for task in milestones.only("name", "status", "due_date", "completed_on", "early_finish"):
        due = task.due_date or _local_date(task.early_finish, zone)
        done = task.status == TaskStatus.DONE
        completed = task.completed_on
        if done and completed and period_start <= completed <= period_end:
            if due is None or completed <= due:
                hit.append(task.name)
            else:
                missed.append(f"{task.name} (due {due:%-d %b}, done {completed:%-d %b})")
        elif not done and due is not None and period_start <= due <= period_end:
            missed.append(f"{task.name} (due {due:%-d %b}, not done)")
    if hit:
        draft.fact("schedule", f"{_plural(len(hit), 'milestone')} hit: {_names(hit)}.", gantt_url)
    if missed:
        draft.fact("schedule", f"{_plural(len(missed), 'milestone')} missed: {_names(missed)}.", gantt_url)
    draft.metrics["milestones_hit"] = len(hit)
    draft.metrics["milestones_missed"] = len(missed)

    # Tasks: done in the period, overdue, blocked, next.
    today_start = dt.datetime.combine(period_end, dt.time(0), tzinfo=zone)
    leaves = Task.objects.filter(project=project, is_summary=False)
    done_tasks = list(leaves.filter(status=TaskStatus.DONE, completed_on__gte=period_start, completed_on__lte=period_end)
                      .order_by("completed_on", "outline_index").values_list("name", "is_milestone"))
    overdue = list(leaves.exclude(status=TaskStatus.DONE).filter(early_finish__lt=today_start)
                   .order_by("early_finish", "outline_index").values_list("name", "early_finish"))
    blocked = list(leaves.filter(status=TaskStatus.BLOCKED).order_by("outline_index").values_list("name", flat=True))
    next_end = dt.datetime.combine(period_end + dt.timedelta(days=PERIOD_DAYS + 1), dt.time(0), tzinfo=zone)
    coming = list(leaves.exclude(status=TaskStatus.DONE).filter(
        early_start__lt=next_end, early_finish__gte=today_start + dt.timedelta(days=1),
    ).exclude(early_start__lt=today_start + dt.timedelta(days=1), early_finish__gte=next_end)
        .order_by("early_start", "outline_index").values_list("name", "early_start", "early_finish")[:20])
    if done_tasks:
        draft.fact("accomplishments", f"{_plural(len(done_tasks), 'task')} done in the period: "
                   f"{_names([name for name, _m in done_tasks])}.", done_url)
    if overdue:
        draft.fact("blockers", f"{_plural(len(overdue), 'task')} overdue (scheduled to finish before "
                   f"{period_end:%-d %b}, not done): {_names([name for name, _f in overdue])}.", gantt_url)
    if blocked:
        draft.fact("blockers", f"{_plural(len(blocked), 'task')} blocked: {_names(blocked)}.", blocked_url)
    draft.metrics["tasks_done"] = len(done_tasks)
    draft.metrics["tasks_overdue"] = len(overdue)
    draft.metrics["tasks_blocked"] = len(blocked)
    draft.accomplishments = [f"{'Milestone: ' if milestone else ''}{name}" for name, milestone in done_tasks]
    draft.next_steps = [
        f"{name} ({'starts' if start and start >= today_start + dt.timedelta(days=1) else 'due'} "
        f"{_local_date(start if start and start >= today_start + dt.timedelta(days=1) else finish, zone):%-d %b})"
        for name, start, finish in coming
    ]
    draft.blockers = [f"Blocked: {name}" for name in blocked] + [
        f"Overdue: {name} (was due {_local_date(finish, zone):%-d %b})" for name, finish in overdue
    ]

    # Risks (governance's register): open high risks, occurred ones.
    risks = list(Risk.objects.filter(project=project, status__in=(RiskStatus.OPEN, RiskStatus.OCCURRED))
                 .order_by("-score", "title", "pk").values_list("pk", "title", "score", "status", "category"))
    high = [row for row in risks if row[3] == RiskStatus.OPEN and row[2] >= HIGH_RISK_SCORE]
    occurred = [row for row in risks if row[3] == RiskStatus.OCCURRED]
    risk_list = safe_reverse("governance:risk_list", query={
        "project": pid, "status": RiskStatus.OPEN, "min_score": HIGH_RISK_SCORE})
    if high:
        draft.fact("risks", f"{_plural(len(high), 'open high risk')} (score {HIGH_RISK_SCORE} or more): "
                   f"{_names([f'{title} ({score})' for _pk, title, score, _s, _c in high])}.", risk_list)
    for risk_id, title, score, _status, _category in occurred:
        draft.fact("risks", f"Risk occurred: {title} (score {score}).",
                   safe_reverse("governance:risk_detail", risk_id=risk_id))
        draft.blockers.append(f"Risk occurred: {title}")
    draft.metrics["open_high_risks"] = len(high)
    draft.metrics["occurred_risks"] = len(occurred)

    # Scope signals: deliverables and scope risks.
    deliverables = list(Deliverable.objects.filter(project=project).values_list("acceptance_state", "due_date"))
    rejected = sum(1 for state, _due in deliverables if state == AcceptanceState.REJECTED)
    late = sum(1 for state, due in deliverables
               if state not in (AcceptanceState.ACCEPTED, AcceptanceState.REJECTED) and due and due < period_end)
    scope_high = sum(1 for row in high if row[4] == RiskCategory.SCOPE)
    scope_occurred = sum(1 for row in occurred if row[4] == RiskCategory.SCOPE)
    if rejected:
        draft.fact("scope", f"{_plural(rejected, 'deliverable')} rejected by the client.", deliverables_url)
    if late:
        draft.fact("scope", f"{_plural(late, 'deliverable')} past due and not accepted.", deliverables_url)
    draft.metrics.update({"deliverables_rejected": rejected, "deliverables_late": late})

    rags = {
        "schedule_rag": schedule_rag(spi=value.spi if value else None, missed_milestones=len(missed)),
        "budget_rag": budget_rag(cpi=value.cpi if value else None, burn=value.spent_percent if value else None,
                                 complete=complete),
        "scope_rag": scope_rag(rejected_deliverables=rejected, occurred_scope_risks=scope_occurred,
                               high_scope_risks=scope_high, late_deliverables=late),
    }
    rags["overall_rag"] = worst(*rags.values())
    return draft, rags


def _lines(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _check_manager(actor: Any, project: Project) -> None:
    if not manages(actor, project):
        raise PermissionDeniedError("Only the project's manager (or an admin) writes its status reports.",
                                    code="permission_denied")


@transaction.atomic
def status_report_draft(*, actor: Any, project: Project, period_end: dt.date | None = None) -> StatusReport:
    """The project's draft for the period ending ``period_end`` (today by default):
    made from the data, or the existing draft when there is one (one at a time)."""
    require_create(actor, StatusReport)
    _check_manager(actor, project)
    Project.objects.select_for_update().filter(pk=project.pk).first()  # one draft at a time, even when racing
    existing = StatusReport.objects.filter(project=project, status=ReportStatus.DRAFT).order_by("-pk").first()
    if existing is not None:
        return existing
    period_end = period_end or timezone.localdate()
    previous = (StatusReport.objects.filter(project=project, status=ReportStatus.PUBLISHED)
                .order_by("-period_end", "-pk").first())
    if previous is not None:
        if period_end <= previous.period_end:
            raise ValidationError({"period_end": f"The last report covers up to {previous.period_end:%-d %b %Y}; "
                                                 "choose a later end for this one."})
        period_start = previous.period_end + dt.timedelta(days=1)
    else:
        period_start = max(project.start_date, period_end - dt.timedelta(days=PERIOD_DAYS - 1))
    period_start = min(period_start, period_end)
    draft, rags = generate(project=project, period_start=period_start, period_end=period_end, previous=previous)
    return model_create(actor=actor, model=StatusReport, data={
        "project": project, "period_start": period_start, "period_end": period_end, "status": ReportStatus.DRAFT,
        **rags, "accomplishments": _lines(draft.accomplishments), "next_steps": _lines(draft.next_steps),
        "blockers": _lines(draft.blockers), "facts": draft.facts, "metrics": draft.metrics, "author": actor,
    })


def _require_draft(report: StatusReport, field_name: str = "status") -> None:
    if report.status != ReportStatus.DRAFT:
        raise ValidationError({field_name: "This report is published: it can no longer be changed."})


@transaction.atomic
def status_report_update(*, actor: Any, report: StatusReport, data: dict[str, Any], version: int) -> StatusReport:
    """Edit a draft's RAGs and texts (``version``: the one read; 409 when stale)."""
    require_change(actor, report)
    _require_draft(report)
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError({unknown[0]: "This field cannot be changed here."})
    for name in ("schedule_rag", "budget_rag", "scope_rag", "overall_rag"):
        if name in data and data[name] not in Rag.values:
            raise ValidationError({name: "Choose green, amber or red."})
    return model_update(actor=actor, instance=report, data=data, expected_version=version)


def report_recipients(report: StatusReport) -> list[Stakeholder]:
    """The stakeholders the published report goes to (one query)."""
    return list(Stakeholder.objects.filter(project_id=report.project_id, receives_status_reports=True)
                .select_related("user", "contact").order_by("pk"))


def recipient_names(stakeholders: list[Stakeholder]) -> list[str]:
    names = []
    for stakeholder in stakeholders:
        if stakeholder.user_id is not None:
            names.append(stakeholder.user.full_name or stakeholder.user.email)  # type: ignore[union-attr]
        elif stakeholder.contact is not None and stakeholder.contact.email and not stakeholder.contact.email_opt_out:
            names.append(f"{stakeholder.contact.full_name} (e-mail)")
    return names


def report_text(report: StatusReport) -> str:
    """The report as plain text (the e-mail to contacts without a login)."""
    project = report.project
    lines = [
        f"{project.code} {project.name}: status report {report.period_start:%-d %b} – {report.period_end:%-d %b %Y}",
        "",
        f"Overall: {Rag(report.overall_rag).label} · Schedule: {Rag(report.schedule_rag).label} · "
        f"Budget: {Rag(report.budget_rag).label} · Scope: {Rag(report.scope_rag).label}",
    ]
    if report.summary:
        lines += ["", report.summary]
    for title, text in (("Accomplishments", report.accomplishments), ("Next steps", report.next_steps),
                        ("Blockers", report.blockers)):
        if text.strip():
            lines += ["", title, text]
    facts = [fact["text"] for fact in report.facts or [] if fact.get("text")]
    if facts:
        lines += ["", "Facts", *[f"- {fact}" for fact in facts]]
    return "\n".join(lines)


def _mail_contact(address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[address])
    except Exception:  # a mail server failure is logged; the report stays published
        logger.exception("could not e-mail the status report to %s", address)


@transaction.atomic
def status_report_publish(*, actor: Any, report: StatusReport, version: int | None = None) -> StatusReport:
    """Publish a draft: read-only from now on, sent to the stakeholders who receive
    reports (users: a notification with an e-mail copy; contacts: the report's text by
    e-mail unless they opted out, after commit), and ``status_report.published``."""
    require_change(actor, report)
    _require_draft(report)
    report = model_update(actor=actor, instance=report, expected_version=version, data={
        "status": ReportStatus.PUBLISHED, "published_at": timezone.now(), "published_by": actor,
    })
    project = report.project
    url = reverse("governance:status_report_detail", kwargs={"status_report_id": report.pk})
    title = f"Status report: {project.code} {project.name} is {Rag(report.overall_rag).label.lower()}"
    body = report_text(report)
    for stakeholder in report_recipients(report):
        if stakeholder.user is not None:
            notification_send(recipient=stakeholder.user, kind="status_report", key=f"status_report:{report.pk}",
                              title=title, body=body, url=url, email=True)
        elif stakeholder.contact is not None and stakeholder.contact.email and not stakeholder.contact.email_opt_out:
            address, subject = stakeholder.contact.email, f"[Tandem] {title}"[:200]
            transaction.on_commit(partial(_mail_contact, address, subject, body))
    event_publish(type="status_report.published", actor=actor, data={
        "status_report_id": report.pk, "project_id": project.pk, "project": f"{project.code} {project.name}",
        "period_start": report.period_start, "period_end": report.period_end,
        "overall_rag": report.overall_rag, "schedule_rag": report.schedule_rag, "budget_rag": report.budget_rag,
        "scope_rag": report.scope_rag, "url": url,
    }, **project_event_scope(project))
    return report


@transaction.atomic
def status_report_delete(*, actor: Any, report: StatusReport, version: int | None = None) -> None:
    """Delete a draft (published reports are the record and stay)."""
    require_change(actor, report)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError({"status": "A published report cannot be deleted."})
    model_delete(actor=actor, instance=report, expected_version=version)

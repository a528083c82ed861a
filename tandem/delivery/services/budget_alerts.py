"""Budget alerts: the project's manager hears once when their project crosses a
threshold (issue 9, "Budget and earned value").

Thresholds (module constants; Tandem has no settings registry to hold them):

* :data:`SPENT_WARNING` — actual cost reached 80 % of the budget;
* :data:`SPENT_LIMIT` — actual cost reached 100 % of the budget;
* :data:`CPI_WARNING` — the cost performance index fell below 0.9 (each unit of money
  spent earns less than 0.9 of planned value).

Each threshold is notified once per project, ever: the notification's key names the
project and the threshold (``budget:<project id>:<threshold>``), a key already sent to
anyone is not sent again (a new manager is not told of a crossing already reported),
and the notifications' unique (recipient, key) constraint settles two runs at once. A
project that falls back below a threshold is not told again when it crosses it anew.

Measured: projects in planning, active or on hold, not templates, with a budget and a
manager, at today's date (:func:`tandem.delivery.selectors.earned_value.earned_value`,
about eight queries each). A project whose costs lack an exchange rate is skipped and
logged; the next run tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.commercial.currency import MissingRateError
from tandem.commercial.formatting import money_text
from tandem.core.models import Notification
from tandem.core.notifications import notification_send
from tandem.delivery.calendars import project_time_zone
from tandem.delivery.models import Project, ProjectStatus
from tandem.delivery.selectors.earned_value import EarnedValue, earned_value

logger = logging.getLogger("tandem.delivery.jobs")

SPENT_WARNING = Decimal("80")  # percent of the budget
SPENT_LIMIT = Decimal("100")
CPI_WARNING = Decimal("0.9")
KIND = "budget_alert"
WATCHED_STATUSES = (ProjectStatus.PLANNING, ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD)


def alert_key(project: Project, threshold: str) -> str:
    return f"budget:{project.pk}:{threshold}"


def crossed(value: EarnedValue) -> list[tuple[str, str]]:
    """(threshold, sentence) of each threshold the figures cross."""
    out = []
    spent = value.spent_percent
    ac = money_text(value.ac, value.currency)
    bac = money_text(value.bac, value.currency)
    if spent is not None and spent >= SPENT_LIMIT:
        out.append(("spent-100", f"{ac} spent: the whole budget of {bac} ({spent:.1f} %)."))
    if spent is not None and spent >= SPENT_WARNING:
        out.append(("spent-80", f"{ac} spent: {spent:.1f} % of the budget of {bac}."))
    if value.cpi is not None and value.cpi < CPI_WARNING:
        out.append(("cpi-0.9", f"Cost performance index {value.cpi:.2f}: each {value.currency} spent earns "
                               f"{value.cpi:.2f} of planned value (alert below {CPI_WARNING})."))
    return out


_TITLES = {
    "spent-80": "{code}: 80 % of the budget spent",
    "spent-100": "{code}: the budget is spent",
    "cpi-0.9": "{code}: over budget for the work done (CPI below 0.9)",
}


def watched_projects() -> QuerySet[Project]:
    return (
        Project.objects.filter(status__in=WATCHED_STATUSES, is_template=False, budget__gt=0, manager__isnull=False)
        .select_related("manager", "account")
        .order_by("pk")
    )


def budget_alerts_send(*, today: dt.date | None = None) -> int:
    """Notify each watched project's manager of the thresholds it crossed and was not
    told of yet; returns the notifications sent (0 on a second run)."""
    today = today or timezone.localdate()
    zone = project_time_zone()
    sent = 0
    for project in watched_projects().iterator(chunk_size=200):
        try:
            value = earned_value(project=project, status_date=today, zone=zone)
        except MissingRateError as error:
            logger.warning("budget alerts: %s skipped: %s", project.code, error.message)
            continue
        alerts = crossed(value)
        if not alerts:
            continue
        keys = {alert_key(project, threshold) for threshold, _ in alerts}
        told = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
        url = reverse("delivery:project_budget", kwargs={"project_id": project.pk})
        for threshold, sentence in alerts:
            key = alert_key(project, threshold)
            if key in told:
                continue
            notification = notification_send(
                recipient=project.manager, kind=KIND, key=key,
                title=_TITLES[threshold].format(code=project.code), body=f"{project.name}: {sentence}", url=url,
            )
            sent += notification is not None
    return sent

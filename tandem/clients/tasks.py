"""Background jobs of the clients app: notifications that agree with Needs attention.

* :func:`notify_needs_attention`, daily at 07:00 (organisation time): for each person
  responsible for something (account owners, follow-up owners, inquiry assignees), one
  in-app notification per check-in, follow-up and inquiry of their Needs attention list
  that became due (or at risk) in the last :data:`RECENT_DAYS` days, linking to the
  record, and one summary (in-app and by e-mail) linking to Needs attention.
* :func:`notify_inquiries_at_risk`, every 15 minutes: an inquiry whose SLA due time
  enters the warning window (or passes) during the day notifies its responsible person
  then, not the next morning.

Every notification has a key naming the record and what happened to it (the check-in
due date, the follow-up's due date, the inquiry's SLA state), unique per recipient:
running a job twice, or both jobs, notifies once (:func:`notification_send`). The demo
runs :func:`notify_all` at its end, so the demo logins find what the jobs would send.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from tandem.clients import rules
from tandem.clients.models import Account, FollowUp, Inquiry, InquiryStatus
from tandem.clients.selectors import Attention, needs_attention
from tandem.core.events import event_publish
from tandem.core.models import Notification, ScheduledRun
from tandem.core.notifications import notification_send
from tandem.core.permissions import scoped
from tandem.core.roles import Role
from tandem.core.schedule import daily, every
from tandem.people.models import RoleAssignment, User

RECENT_DAYS = 30
# Per person and kind: enough for any desk's last month; older items are in the summary.
ITEM_LIMIT = 500
KIND = "needs_attention"


def _plural(count: int, singular: str, plural: str = "") -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _responsible_people() -> Any:
    """Active users who own an account or an open follow-up, or are assigned an open
    inquiry: the people Needs attention can hold something for."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(pk__in=RoleAssignment.objects.filter(role=Role.ACCOUNT_MANAGER).values("user_id"))
            | Q(pk__in=Account.objects.filter(owner__isnull=False).values("owner_id"))
            | Q(pk__in=FollowUp.objects.filter(done_at__isnull=True).values("owner_id"))
            | Q(pk__in=Inquiry.objects.filter(first_response_at__isnull=True, assignee__isnull=False).values("assignee_id"))
        )
        .prefetch_related("role_assignments")
        .select_related("person")
        .order_by("id")
    )


def _inquiry_state(inquiry: Inquiry, now: dt.datetime) -> str:
    return rules.sla_state(
        first_response_at=inquiry.first_response_at,
        sla_due_at=inquiry.sla_due_at,
        resolved=inquiry.status == InquiryStatus.RESOLVED,
        now=now,
    )


def _notify_inquiry(recipient: Any, inquiry: Inquiry, now: dt.datetime) -> bool:
    state = _inquiry_state(inquiry, now)
    when = timezone.localtime(inquiry.sla_due_at).strftime("%d %b %H:%M")
    title = (
        f"Inquiry at risk: {inquiry.subject}" if state == rules.AT_RISK else f"Inquiry past its SLA: {inquiry.subject}"
    )
    return notification_send(
        recipient=recipient, kind=KIND, key=f"inquiry-sla:{inquiry.pk}:{state}", title=title,
        body=f"{inquiry.account.name}: first response due {when}.",
        url=reverse("clients:inquiry_detail", kwargs={"inquiry_id": inquiry.pk}),
    ) is not None


def _visible_account_ids(person: Any, account_ids: set[int]) -> set[int]:
    if not account_ids:
        return set()
    return set(scoped(person, Account).filter(pk__in=account_ids).values_list("pk", flat=True))


def _notify_items(person: Any, attention: Attention, now: dt.datetime) -> int:
    """One notification per item of ``attention`` that became due recently."""
    since = now - dt.timedelta(days=RECENT_DAYS)
    created = 0
    for account in attention.overdue_accounts:
        if account.check_in_due_at is None or account.check_in_due_at < since:
            continue
        due = timezone.localtime(account.check_in_due_at).date()
        created += notification_send(
            recipient=person, kind=KIND, key=f"check-in:{account.pk}:{due.isoformat()}",
            title=f"Check-in overdue: {account.name}",
            body=f"The next contact was due on {due:%d %b %Y}.",
            url=reverse("clients:account_detail", kwargs={"account_id": account.pk}),
        ) is not None
    visible_accounts = _visible_account_ids(person, {f.account_id for f in attention.due_follow_ups})
    for follow_up in attention.due_follow_ups:
        if follow_up.due_date < since.date():
            continue
        # The account page when they may open it; else their Needs attention list (a
        # member may own a follow-up on an account they do not see).
        if follow_up.account_id in visible_accounts:
            url = reverse("clients:account_detail", kwargs={"account_id": follow_up.account_id}) + "#follow-ups"
        else:
            url = reverse("clients:attention") + f"#follow-up-{follow_up.pk}"
        created += notification_send(
            recipient=person, kind=KIND, key=f"follow-up:{follow_up.pk}:{follow_up.due_date.isoformat()}",
            title=f"Follow-up due: {follow_up.description}"[:200],
            body=f"{follow_up.account.name}: due {follow_up.due_date:%d %b %Y}.",
            url=url,
        ) is not None
    for inquiry in attention.inquiries_at_risk:
        if inquiry.sla_due_at >= since:
            created += _notify_inquiry(person, inquiry, now)
    return created


def _notify_summary(person: Any, attention: Attention, today: dt.date, *, email: bool) -> bool:
    parts = []
    if attention.overdue_accounts:
        parts.append(_plural(len(attention.overdue_accounts), "account") + " past their check-in")
    if attention.due_follow_ups:
        parts.append(_plural(len(attention.due_follow_ups), "follow-up") + " due")
    if attention.inquiries_at_risk:
        parts.append(_plural(len(attention.inquiries_at_risk), "inquiry", "inquiries") + " near or past the SLA")
    lines = [f"- {account.name}: last contact {account.last_contact_at:%d %b %Y}" if account.last_contact_at
             else f"- {account.name}: never contacted" for account in attention.overdue_accounts[:10]]
    lines += [f"- Follow-up for {f.account.name}: {f.description} (due {f.due_date:%d %b})" for f in attention.due_follow_ups[:10]]
    lines += [f"- Inquiry from {i.account.name}: {i.subject} (due {i.sla_due_at:%d %b %H:%M})" for i in attention.inquiries_at_risk[:10]]
    return notification_send(
        recipient=person, kind=KIND, key=f"needs-attention:{today.isoformat()}",
        title="Needs attention: " + ", ".join(parts), body="\n".join(lines),
        url=reverse("clients:attention"), email=email,
    ) is not None


def notify_all(*, now: dt.datetime | None = None, email: bool = True, only: Iterable[Any] | None = None) -> int:
    """What the daily job does (see the module docstring); returns how many
    notifications were created. ``email=False`` keeps the summaries in-app and ``only``
    limits it to these people (the demo: its logins)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    people = _responsible_people()
    if only is not None:
        people = people.filter(pk__in=[person.pk for person in only])
    created = 0
    for person in people.iterator(chunk_size=200):
        attention = needs_attention(actor=person, owner=person, now=now, limit=ITEM_LIMIT)
        if attention.total == 0:
            continue
        created += _notify_items(person, attention, now)
        created += _notify_summary(person, attention, today, email=email)
    return created


def notify_inquiries(*, now: dt.datetime | None = None) -> int:
    """Notify the responsible person (the assignee, else the account owner) of every
    open, unanswered inquiry at risk or past its SLA (due in the last
    :data:`RECENT_DAYS` days or in the warning window), once per inquiry and state."""
    now = now or timezone.now()
    inquiries = (
        Inquiry.objects.filter(
            first_response_at__isnull=True,
            sla_due_at__lt=rules.at_risk_before(now),
            sla_due_at__gte=now - dt.timedelta(days=RECENT_DAYS),
        )
        .exclude(status=InquiryStatus.RESOLVED)
        .select_related("account", "account__owner", "assignee")
        .order_by("sla_due_at", "id")
    )
    rows = list(inquiries)
    announce_breaches(rows, now)
    pending = [
        (recipient, inquiry)
        for inquiry in rows
        if (recipient := inquiry.assignee or inquiry.account.owner) is not None
    ]
    # One query for what was sent already, rather than one refused insert per inquiry
    # every quarter of an hour.
    sent = set(
        Notification.objects.filter(
            key__in=[f"inquiry-sla:{inquiry.pk}:{_inquiry_state(inquiry, now)}" for _, inquiry in pending]
        ).values_list("recipient_id", "key")
    )
    created = 0
    for recipient, inquiry in pending:
        if (recipient.pk, f"inquiry-sla:{inquiry.pk}:{_inquiry_state(inquiry, now)}") not in sent:
            created += _notify_inquiry(recipient, inquiry, now)
    return created


def announce_breaches(inquiries: Iterable[Inquiry], now: dt.datetime) -> int:
    """Publish ``inquiry.sla_breached`` the first time an inquiry is seen past its SLA:
    once per inquiry, whatever the number of runs and workers (claimed with a unique
    :class:`~tandem.core.models.ScheduledRun` key). Answers how many were published."""
    announced = 0
    for inquiry in inquiries:
        if _inquiry_state(inquiry, now) != rules.BREACHED:
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(key=f"inquiry.sla_breached:{inquiry.pk}")
                event_publish(type="inquiry.sla_breached", actor=None, account_id=inquiry.account_id, data={
                    "inquiry": {"id": inquiry.pk, "subject": inquiry.subject, "sla_due_at": inquiry.sla_due_at},
                    "account": {"id": inquiry.account_id, "name": inquiry.account.name},
                    "url": reverse("clients:inquiry_detail", kwargs={"inquiry_id": inquiry.pk}),
                })
        except IntegrityError:
            continue
        announced += 1
    return announced


@daily(at="07:00")
@task()
def notify_needs_attention() -> int:
    """Daily: tell each responsible person what needs attention (see the module
    docstring). Idempotent per person, record and day."""
    return notify_all()


@every(minutes=15)
@task()
def notify_inquiries_at_risk() -> int:
    """Every 15 minutes: inquiries that entered the SLA warning window or passed their
    due time since the last run notify their responsible person (once per state)."""
    return notify_inquiries()

"""Background jobs of the clients app."""

from __future__ import annotations

from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from tandem.clients.selectors import needs_attention
from tandem.core.notifications import notification_send
from tandem.core.roles import Role
from tandem.core.schedule import daily
from tandem.people.models import User


def _plural(count: int, singular: str, plural: str = "") -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


@daily(at="07:00")
@task()
def notify_needs_attention() -> int:
    """Daily: tell each account manager what needs attention (in-app and by e-mail).

    One notification per person and day (idempotent if run twice); returns how many
    notifications were created.
    """
    today = timezone.localdate()
    owners = (
        User.objects.filter(is_active=True)
        .filter(Q(role_assignments__role=Role.ACCOUNT_MANAGER) | Q(owned_accounts__isnull=False))
        .distinct()
        .prefetch_related("role_assignments")
        .select_related("person")
    )
    created = 0
    for owner in owners.iterator(chunk_size=200):
        attention = needs_attention(actor=owner)
        if attention.total == 0:
            continue
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
        notification = notification_send(
            recipient=owner, kind="needs_attention", key=f"needs-attention:{today.isoformat()}",
            title="Needs attention: " + ", ".join(parts), body="\n".join(lines),
            url=reverse("clients:attention"), email=True,
        )
        created += notification is not None
    return created

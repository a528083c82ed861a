"""The background side of outbound delivery: one task per attempt, and a sweep every
minute that re-enqueues the retries that are due (and any message whose first
enqueue was lost)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from tandem.core.schedule import every
from tandem.integrations.models import OutboundMessage, OutboundStatus
from tandem.integrations.outbound import delivery

SWEEP_BATCH = 500


@task()
def outbound_deliver(message_pk: int, once: bool = False) -> str:
    """Make the message's due attempt; answers its status afterwards."""
    delivery.deliver(message_pk, once=once)
    state = OutboundMessage.objects.filter(pk=message_pk).values_list("status", "next_attempt_at").first()
    if state is None:
        return "gone"
    status, next_attempt_at = state
    if status == OutboundStatus.RETRYING and next_attempt_at is not None and outbound_deliver.get_backend().supports_defer:
        # The retry is queued for its time (the sweep is the safety net: an attempt is
        # claimed once, so both finding it is harmless).
        outbound_deliver.using(run_after=next_attempt_at).enqueue(message_pk, False)
    return str(status)


def enqueue_delivery(message_pks: list[int], *, once: bool = False) -> None:
    """Deliver these messages once the current transaction commits (a rolled-back
    change sends nothing)."""
    pks = list(message_pks)

    def send() -> None:
        for pk in pks:
            outbound_deliver.enqueue(pk, once)

    transaction.on_commit(send)


@every(minutes=1)
@task()
def outbound_sweep() -> int:
    """Enqueue the messages whose next attempt is due; answers how many."""
    now = timezone.now()
    due = list(OutboundMessage.objects.filter(
        Q(status=OutboundStatus.PENDING) | Q(status=OutboundStatus.RETRYING), next_attempt_at__lte=now,
    ).order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    for pk in due:
        outbound_deliver.enqueue(pk, False)
    return len(due)

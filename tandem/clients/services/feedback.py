"""Feedback: what a client said, kept per account."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.clients.models import Account, Contact, Feedback
from tandem.core.permissions import require_change, require_delete
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import Actor, SystemActor

FEEDBACK_FIELDS = ("channel", "sentiment", "text", "received_at")


@transaction.atomic
def feedback_create(
    *, actor: SystemActor, account: Account, data: dict[str, Any], contact: Contact | None = None
) -> Feedback:
    if actor is not None:
        require_change(actor, account)
    unknown = sorted(set(data) - set(FEEDBACK_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    if contact is not None and contact.account_id != account.pk:
        raise ValidationError({"contact": f"{contact} is not a contact of {account}."})
    data = {"received_at": timezone.now(), **data}
    return model_create(
        actor=actor, model=Feedback,
        data={**data, "account": account, "contact": contact,
              "recorded_by": actor if actor is not None and actor.is_authenticated else None},
    )


@transaction.atomic
def feedback_update(*, actor: Actor, feedback: Feedback, data: dict[str, Any], expected_version: int | None = None) -> Feedback:
    """Change what was recorded; ``data`` may also hold ``contact`` (a contact of the
    same account, or ``None`` for nobody in particular)."""
    require_change(actor, feedback)
    unknown = sorted(set(data) - {*FEEDBACK_FIELDS, "contact"})
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    contact = data.get("contact")
    if contact is not None and contact.account_id != feedback.account_id:
        raise ValidationError({"contact": f"{contact} is not a contact of {feedback.account}."})
    return model_update(actor=actor, instance=feedback, data=data, expected_version=expected_version)


@transaction.atomic
def feedback_delete(*, actor: Actor, feedback: Feedback, expected_version: int | None = None) -> None:
    require_delete(actor, feedback)
    model_delete(actor=actor, instance=feedback, expected_version=expected_version)

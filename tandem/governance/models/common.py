"""Pieces the governance records share."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

USER = settings.AUTH_USER_MODEL


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


def project_xor_account(name: str) -> models.CheckConstraint:
    """Exactly one of ``project`` and ``account`` is set."""
    return models.CheckConstraint(
        condition=(Q(project__isnull=False, account__isnull=True) | Q(project__isnull=True, account__isnull=False)),
        name=name,
    )


def user_xor_contact(name: str) -> models.CheckConstraint:
    """A person is either a user (with a login) or a client contact (without)."""
    return models.CheckConstraint(
        condition=(Q(user__isnull=False, contact__isnull=True) | Q(user__isnull=True, contact__isnull=False)),
        name=name,
    )

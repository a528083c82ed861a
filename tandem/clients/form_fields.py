"""Form fields and time helpers shared by the account manager's forms: people and
contacts chosen by name (selects written by :class:`~tandem.core.forms.FastSelect`),
and "now" to the minute as the forms' default time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from tandem.clients.models import Contact
from tandem.core.forms import FastSelect


def now_to_the_minute() -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def exact_if_now(value: dt.datetime | None) -> dt.datetime | None:
    """A time entered as the current minute (the forms' default) means "now": keep the
    seconds, so what was just logged sorts above what happened earlier in that minute."""
    now = timezone.now()
    if value is not None and dt.timedelta(0) <= now - value < dt.timedelta(minutes=1):
        return now
    return value


def user_label(user: Any) -> str:
    return str(getattr(user, "full_name", "") or user.email)


class UserChoiceField(forms.ModelChoiceField):
    widget = FastSelect

    def label_from_instance(self, obj: Any) -> str:
        return user_label(obj)


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return user_label(obj)


class ContactMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        contact: Contact = obj
        return f"{contact.full_name} ({contact.job_title})" if contact.job_title else contact.full_name


class SingleContactField(forms.ModelChoiceField):
    widget = FastSelect

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)

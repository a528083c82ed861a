"""The "Sign-in activity" page (administrators): who logged in, out, or failed to,
filtered by person, kind of event and days, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tandem.core.history import (
    SIGN_IN_ACTIONS,
    absolute_datetime,
    format_datetime,
    viewer_time_zone,
)
from tandem.core.models import AuditAction, AuditEntry
from tandem.core.pagination import page_query, paginate
from tandem.people.activity import SignInFilters, sign_in_activity, sign_in_people
from tandem.people.models import User

KIND_LABELS = {
    AuditAction.LOGIN: "Signed in",
    AuditAction.LOGOUT: "Signed out",
    AuditAction.LOGIN_FAILED: "Failed sign-in",
}


class SignInFilterForm(forms.Form):
    person = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    kind = forms.ChoiceField(
        required=False, label="Event",
        choices=[("", "Every event"), *((kind.value, KIND_LABELS[kind]) for kind in SIGN_IN_ACTIONS)],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}
        field = self.fields["person"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Everyone"), *((person.pk, str(person)) for person in people)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "The last day cannot be before the first.")
        return data


@dataclass(frozen=True)
class SignInRow:
    at: dt.datetime
    when: str
    when_full: str
    person: User | None
    typed_email: str
    event: str
    kind: str
    ip_address: str


def _row(entry: AuditEntry, *, tz: dt.tzinfo, now: dt.datetime) -> SignInRow:
    email = entry.changes.get("email")
    return SignInRow(
        at=entry.at,
        when=format_datetime(entry.at, tz=tz, now=now),
        when_full=absolute_datetime(entry.at, tz=tz),
        person=entry.actor,
        typed_email=str(email[1]) if isinstance(email, list) and len(email) == 2 and email[1] else "",
        event=KIND_LABELS.get(AuditAction(entry.action), entry.get_action_display()),
        kind=entry.action,
        ip_address=entry.ip_address or "",
    )


def _day_start(day: dt.date | None, tz: dt.tzinfo) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz) if day else None


@login_required
@require_GET
def sign_in_activity_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    people = sign_in_people(actor=actor)  # refuses anyone but an administrator
    form = SignInFilterForm(request.GET or None, people=people)
    values: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    tz = viewer_time_zone(actor)
    until = values.get("until")
    filters = SignInFilters(
        person=form.people.get(values.get("person") or 0),
        kind=values.get("kind") or "",
        since=_day_start(values.get("since"), tz),
        until=_day_start(until + dt.timedelta(days=1), tz) if until else None,
    )
    page = paginate(sign_in_activity(actor=actor, filters=filters), request.GET.get("page"))
    now = dt.datetime.now(dt.UTC)
    params = {key: value for key, value in request.GET.items() if key != "page"}
    context = {
        "filter_form": form,
        "is_filtered": any(values.get(key) for key in ("person", "kind", "since", "until")),
        "rows": [_row(entry, tz=tz, now=now) for entry in page.items],
        "page": page,
        "previous_query": page_query(params, page=page.previous_number) if page.has_previous else "",
        "next_query": page_query(params, page=page.next_number) if page.has_next else "",
    }
    return render(request, "people/sign_in_activity.html", context)

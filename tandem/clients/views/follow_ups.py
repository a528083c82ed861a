"""The follow-up list: dated next steps by due date, open ones by default; the target of
the "My follow-ups" home card (``?owner=<id>&due=today|overdue|now``) and of the
executive's card by team (``?team=<id>``). Built like the other list pages
(:mod:`tandem.clients.views.lists`): the scoped selector, a capped count of its
``for_count`` shape, rows written in Python, CSV / XLSX export of the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from tandem.clients import selectors
from tandem.clients.views.lists import ListFilterForm, ListPage, account_owner_options, render_list
from tandem.core import export
from tandem.core.rows import DateText, UrlPattern, esc, joined

ROW_FIELDS = (
    "id", "due_date", "description", "done_at", "account_id", "account__name",
    "owner_id", "owner__full_name", "owner__email",
)  # fmt: skip

DUE_CHOICES = [("", "Any due date"), ("now", "Due today or overdue"), ("today", "Due today"), ("overdue", "Overdue")]
STATE_CHOICES = [("", "Open"), ("done", "Done"), ("any", "Open or done")]


class FollowUpFilterForm(ListFilterForm):
    sort_keys = ("due",)
    default_sort = "due"

    due = forms.ChoiceField(label="Due", required=False, choices=DUE_CHOICES)
    state = forms.ChoiceField(label="Status", required=False, choices=STATE_CHOICES)
    owner = forms.TypedChoiceField(label="Owner", required=False, coerce=int, empty_value=None)
    team = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)  # the owner's team
    field_order = ["due", "state", "owner", "per_page", "sort", "team"]

    def __init__(self, *args: Any, owners: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            *((str(user.pk), user.full_name or user.email) for user in owners),
        ]


def owner_options(actor: Any) -> list[Any]:
    """The account managers the actor's lists offer, and the actor (anyone may own a
    follow-up), first. One query."""
    others = [user for user in account_owner_options(actor) if user.pk != actor.pk]
    return [actor, *others]


COLUMNS: list[tuple[str, str | None]] = [
    ("Due", "due"),
    ("What", None),
    ("Account", None),
    ("Owner", None),
    ("Status", None),
]

EXPORT = [
    export.Column("Due", "due_date"),
    export.Column("What", "description"),
    export.Column("Account", "account.name"),
    export.Column("Owner", "owner.full_name"),
    export.Column("Owner e-mail", "owner.email"),
    export.Column("Done", "done_at"),
]

ROW_START = '\n        <tr data-testid="list-row">'
ROW_END = "\n        </tr>\n        "


def follow_up_rows(rows: Sequence[Mapping[str, Any]]) -> SafeString:
    """The ``<tr>`` of each follow-up row (see :mod:`tandem.clients.views.rows`)."""
    account_detail = UrlPattern("clients:account_detail", "account_id")
    dates = DateText()
    today = timezone.localdate()
    out = []
    for row in rows:
        if row["done_at"] is not None:
            state = f'<span class="badge text-bg-success">Done</span> <span class="small text-body-secondary">{dates.time_day(row["done_at"])}</span>'
        elif row["due_date"] < today:
            state = '<span class="badge text-bg-danger" data-testid="overdue">Overdue</span>'
        elif row["due_date"] == today:
            state = '<span class="badge text-bg-warning">Due today</span>'
        else:
            state = '<span class="badge text-bg-secondary">Open</span>'
        owner = esc(row["owner__full_name"] or row["owner__email"])
        out.append(
            f'{ROW_START}\n          <td><time datetime="{row["due_date"].isoformat()}">{esc(date_format(row["due_date"], "j M Y"))}</time></td>'
            f"\n          <td>{esc(row['description'])}</td>"
            f'\n          <td><a href="{account_detail(row["account_id"])}">{esc(row["account__name"])}</a></td>'
            f"\n          <td>{owner}</td>"
            f"\n          <td>{state}</td>{ROW_END}"
        )
    return joined(out)


@login_required
@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponseBase:
    """Follow-ups the user may see (their accounts' and their own), by due date."""
    actor = request.user
    form = FollowUpFilterForm(request.GET or None, owners=owner_options(actor))
    values = form.values()
    filters = selectors.FollowUpFilters(
        owner_id=values["owner"], team_id=values["team"] or None, due=values["due"],
        state=values["state"] or "open", sort=values["sort"],
    )
    spec = ListPage(
        request, "clients/follow_up_list.html", "follow-up-results",
        selectors.follow_up_list(actor=actor, filters=filters), form, COLUMNS, EXPORT, "follow-ups",
        follow_up_rows, ROW_FIELDS,
        count_queryset=selectors.follow_up_list(actor=actor, filters=filters, for_count=True),
    )
    return render_list(spec)

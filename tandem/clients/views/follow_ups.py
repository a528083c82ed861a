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
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString

from tandem.clients import selectors
from tandem.clients.views.lists import account_owner_options
from tandem.core import export, lists
from tandem.core.lists import Column, ListFilterForm, ListView
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
        self.set_choices("owner", [("", "Anyone"), *((str(user.pk), user.full_name or user.email) for user in owners)])


def owner_options(actor: Any) -> list[Any]:
    """The account managers the actor's lists offer, and the actor (anyone may own a
    follow-up), first. One query."""
    others = [user for user in account_owner_options(actor) if user.pk != actor.pk]
    return [actor, *others]


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


@lists.register
class FollowUpList(ListView):
    """Follow-ups the user may see (their accounts' and their own), by due date."""

    key = "follow_ups"
    url_name = "clients:follow_up_list"
    title, noun = "Follow-ups", "follow-ups"
    template = "clients/follow_up_list.html"
    results_id = "follow-up-results"
    filter_form = FollowUpFilterForm
    columns = (
        Column("Due", sort="due", phone=True),
        Column("What", phone=True),
        Column("Account", phone=True),
        Column("Owner"),
        Column("Status", phone=True),
    )
    row_fields = ROW_FIELDS
    export_columns = EXPORT
    export_name = "follow-ups"

    def form_kwargs(self) -> dict[str, Any]:
        return {"owners": owner_options(self.actor)}

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        filters = selectors.FollowUpFilters(
            owner_id=values["owner"], team_id=values["team"] or None, due=values["due"],
            state=values["state"] or "open", sort=values["sort"],
        )
        return selectors.follow_up_list(actor=self.actor, filters=filters, for_count=for_count)

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return follow_up_rows(rows)


follow_up_list = FollowUpList.as_view()

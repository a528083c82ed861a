"""The people directory and the team list, declared with :mod:`tandem.core.lists`.

Rows are read as dictionaries of the shown columns and written in Python
(:mod:`tandem.people.rows`); the directory reads the roles of a page's people in one
query. A constant number of queries whatever the number of people or the page size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from tandem.core import export, lists
from tandem.core.lists import Column, ListFilterForm, ListView
from tandem.core.permissions import policy_for
from tandem.core.roles import Role
from tandem.people import selectors
from tandem.people.models import Team, User
from tandem.people.rows import TEAM_ROW_FIELDS, USER_ROW_FIELDS, roles_of, team_rows, user_rows

ACTIVE_FILTER = {"yes": True, "no": False}
ACTIVE_CHOICES = [("", "Active and disabled"), ("yes", "Active"), ("no", "Disabled")]


class UserListFilterForm(ListFilterForm):
    sort_keys = ("name", "email", "team", "joined")
    default_sort = "name"

    q = forms.CharField(
        label="Search", required=False, max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "Name, e-mail or title"}),
    )
    role = forms.ChoiceField(label="Role", required=False, choices=[("", "Any role"), *Role.choices])
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    active = forms.ChoiceField(label="Status", required=False, choices=ACTIVE_CHOICES)
    field_order = ["q", "role", "team", "active", "per_page", "sort"]

    def __init__(self, *args: Any, teams: Sequence[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("team", [("", "Any team"), *((str(team.pk), team.name) for team in teams)])


USER_EXPORT = [
    export.Column("Name", "full_name"),
    export.Column("E-mail", "email"),
    export.Column("Title", lambda user: getattr(getattr(user, "person", None), "title", "")),
    export.Column("Team", lambda user: getattr(getattr(getattr(user, "person", None), "team", None), "name", "")),
    export.Column("Joined", "date_joined"),
    export.Column("Active", "is_active"),
]
STATUS_COLUMN = Column("Status")


@lists.register
class UserList(ListView):
    """The directory: filters, sortable columns, capped-count pagination."""

    key = "people"
    url_name = "people:user_list"
    title, noun = "People", "people"
    noun_one = "person"
    template = "people/user_list.html"
    results_id = "user-results"
    filter_form = UserListFilterForm
    columns = (
        Column("Name", sort="name", phone=True),
        Column("E-mail", sort="email", phone=True),
        Column("Title"),
        Column("Team", sort="team", phone=True),
        Column("Joined", sort="joined"),
        Column("Roles"),
    )
    row_fields = USER_ROW_FIELDS
    export_columns = USER_EXPORT
    export_name = "people"

    def form_kwargs(self) -> dict[str, Any]:
        return {"teams": list(selectors.team_list(actor=self.actor))}

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        filters = selectors.UserFilters(
            search=values["q"], role=values["role"], team_id=values["team"],
            is_active=ACTIVE_FILTER.get(values["active"]), sort=values["sort"],
        )
        return selectors.user_list(actor=self.actor, filters=filters).prefetch_related(None)

    def decorate(self, rows: Sequence[Mapping[str, Any]]) -> Sequence[Any]:
        self.roles = roles_of(rows)
        self.show_status = any(row["is_active"] is False for row in rows) or bool(self.values["active"])
        return rows

    def shown_columns(self, rows: Sequence[Any], values: Mapping[str, Any]) -> Sequence[Column]:
        return (*self.columns, STATUS_COLUMN) if self.show_status else self.columns

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return user_rows(rows, self.roles, show_status=self.show_status)

    def extra_context(self) -> dict[str, Any]:
        return {"can_create": policy_for(User).can_create(self.actor)}


user_list = UserList.as_view()


class TeamListFilterForm(ListFilterForm):
    q = forms.CharField(label="Search teams", required=False, max_length=100)


@lists.register
class TeamList(ListView):
    """Teams by name, with their lead and number of active members."""

    key = "teams"
    url_name = "people:team_list"
    title, noun = "Teams", "teams"
    template = "people/team_list.html"
    results_id = "team-results"
    filter_form = TeamListFilterForm
    columns = (
        Column("Team", phone=True),
        Column("Lead", phone=True),
        Column("Active members", align="end", phone=True),
        Column("Description"),
    )
    row_fields = TEAM_ROW_FIELDS
    export_columns = [
        export.Column("Team", "name"),
        export.Column("Lead", "lead.full_name"),
        export.Column("Active members", "member_count"),
        export.Column("Description", "description"),
    ]
    export_name = "teams"

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        return selectors.team_list(actor=self.actor, search=values["q"].strip())

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return team_rows(rows)

    def extra_context(self) -> dict[str, Any]:
        return {"can_create": policy_for(Team).can_create(self.actor), "search": self.values["q"].strip()}


team_list = TeamList.as_view()

"""The project list (:class:`tandem.core.lists.ListView`, key ``projects``).

Filters (their query-string names are a contract: the account page links to them):
``status``, ``manager`` (a user id or ``me``) and ``account`` (an id). A project
manager opens it on "My projects"; everyone else on "All projects" (every project they
may see: :func:`tandem.delivery.policies.project_access_q`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from tandem.core import export, lists
from tandem.core.lists import Column, ListFilterForm, ListView, Preset
from tandem.core.permissions import has_role, sees_everything
from tandem.core.roles import Role
from tandem.core.rows import DateText, UrlPattern, esc, joined
from tandem.delivery.models import ProjectStatus
from tandem.delivery.selectors import PROJECT_SORTS, ProjectFilters, project_list
from tandem.delivery.views.common import ME, day_text, is_late, me_or_id, project_badge
from tandem.people import selectors as people_selectors

ROW_FIELDS = (
    "id", "code", "name", "status", "start_date", "due_date", "scheduled_finish",
    "account_id", "account__name", "manager_id", "manager__full_name", "manager__email",
)  # fmt: skip
ROW_START = '\n        <tr data-testid="list-row">'
ROW_END = "\n        </tr>\n        "

PROJECT_EXPORT = [
    export.Column("Code", "code"),
    export.Column("Name", "name"),
    export.Column("Account", lambda row: row.account.name if row.account_id else ""),
    export.Column("Manager", lambda row: (row.manager.full_name or row.manager.email) if row.manager_id else ""),
    export.Column("Status", lambda row: row.get_status_display()),
    export.Column("Start", "start_date"),
    export.Column("Due", "due_date"),
    export.Column("Scheduled finish", "scheduled_finish"),
]


def manages_projects(actor: Any) -> bool:
    """A project manager who does not see everything: their list opens on their projects."""
    return has_role(actor, Role.PROJECT_MANAGER) and not sees_everything(actor)


class ProjectFilterForm(ListFilterForm):
    sort_keys = tuple(key for key in PROJECT_SORTS if not key.startswith("-"))
    default_sort = "code"

    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *ProjectStatus.choices])
    manager = forms.ChoiceField(label="Project manager", required=False)
    account = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    field_order = ["status", "manager", "per_page", "sort", "account"]

    def __init__(self, *args: Any, managers: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices(
            "manager", [("", "Anyone"), (ME, "Me"), *((str(user.pk), user.full_name or user.email) for user in managers)]
        )


def project_rows(rows: Sequence[Mapping[str, Any]]) -> SafeString:
    """The <tr> of each project (the code and the name link to the project page)."""
    detail = UrlPattern("delivery:project_detail", "project_id")
    account_detail = UrlPattern("clients:account_detail", "account_id")
    dates = DateText()
    out = []
    for row in rows:
        link = detail(row["id"])
        if row["account_id"]:
            account = f'<a href="{account_detail(row["account_id"])}">{esc(row["account__name"])}</a>'
        else:
            account = '<span class="text-body-secondary">Internal</span>'
        if row["manager_id"]:
            manager = esc(row["manager__full_name"] or row["manager__email"])
        else:
            manager = '<span class="text-body-secondary">Nobody</span>'
        finish = row["scheduled_finish"]
        finish_day = finish.astimezone(dates.zone).date() if finish else None
        late = ' <span class="badge text-bg-danger">Late</span>' if is_late(finish_day, row["due_date"]) else ""
        out.append(
            f"{ROW_START}"
            f'\n          <td class="text-nowrap"><a href="{link}">{esc(row["code"])}</a></td>'
            f'\n          <td><a href="{link}">{esc(row["name"])}</a></td>'
            f"\n          <td>{account}</td>"
            f"\n          <td>{manager}</td>"
            f"\n          <td>{project_badge(row['status'])}</td>"
            f'\n          <td class="text-nowrap">{esc(day_text(row["start_date"]))}</td>'
            f'\n          <td class="text-nowrap">{esc(day_text(row["due_date"]))}</td>'
            f'\n          <td class="text-nowrap">{esc(day_text(finish_day))}{late}</td>{ROW_END}'
        )
    return joined(out)


@lists.register
class ProjectList(ListView):
    """Projects by code; a project manager's default view is "My projects"."""

    key = "projects"
    url_name = "delivery:project_list"
    title, noun = "Projects", "projects"
    template = "delivery/project_list.html"
    results_id = "project-results"
    filter_form = ProjectFilterForm
    columns = (
        Column("Code", sort="code"),
        Column("Name", sort="name", phone=True),
        Column("Account", phone=True),
        Column("Manager"),
        Column("Status", phone=True),
        Column("Start", sort="start"),
        Column("Due", sort="due", phone=True),
        Column("Scheduled finish"),
    )
    row_fields = ROW_FIELDS
    export_columns = PROJECT_EXPORT
    export_name = "projects"
    presets = (
        Preset("mine", "My projects", lambda actor: {"manager": ME}, visible=manages_projects),
        Preset("all", "All projects"),
    )

    def __init__(self, request: Any) -> None:
        super().__init__(request)
        users = people_selectors.user_list(
            actor=self.actor, filters=people_selectors.UserFilters(role=Role.PROJECT_MANAGER, is_active=True)
        )
        self.managers = list(users.prefetch_related(None).select_related(None).only("id", "full_name", "email"))

    def default_preset(self) -> str | None:
        return "mine" if manages_projects(self.actor) else "all"

    def form_kwargs(self) -> dict[str, Any]:
        return {"managers": self.managers}

    def extra_context(self) -> dict[str, Any]:
        from tandem.core.permissions import policy_for
        from tandem.delivery.models import Project

        return {"can_create": policy_for(Project).can_create(self.actor)}

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        filters = ProjectFilters(
            status=values["status"], manager_id=me_or_id(values["manager"], self.actor),
            account_id=values["account"] or None, sort=values["sort"],
        )
        queryset = project_list(actor=self.actor, filters=filters)
        return queryset.select_related(None).order_by() if for_count else queryset

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return project_rows(rows)


project_list_view = ProjectList.as_view()

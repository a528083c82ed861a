"""The opportunity list (a :class:`tandem.core.lists.ListView`: filters, saved views,
export), with the weighted and unweighted totals of the filtered rows in the base
currency above the table (the framework's totals hook: worked out inline up to the count
cap, on request beyond it).

The query-string names of the filters are a contract (home cards and the board link to
them): ``status``, ``stage``, ``type``, ``owner`` (a user id or ``me``), ``account``,
``forecast_category``, ``close_from``, ``close_to`` (ISO dates).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from tandem.commercial.currency import MissingRateError
from tandem.commercial.models import (
    ForecastCategory,
    Opportunity,
    OpportunityStatus,
    OpportunityType,
)
from tandem.commercial.selectors import opportunities as selectors
from tandem.commercial.views import opportunity_rows
from tandem.core import export, lists
from tandem.core.forms import DateInput
from tandem.core.lists import Column, ListFilterForm, ListView, Preset
from tandem.core.permissions import has_role, policy_for, sees_everything
from tandem.core.roles import Role

ME = "me"


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of ``day``'s calendar quarter."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end_month = first_month + 2
    end = (dt.date(day.year + (end_month == 12), end_month % 12 + 1, 1)) - dt.timedelta(days=1)
    return start, end


def owner_value(actor: Any, value: str) -> int | None:
    """``owner=me`` is the actor; a number is that user; anything else is no filter."""
    if value == ME:
        return int(actor.pk)
    return int(value) if value.isdigit() else None


class OpportunityFilterForm(ListFilterForm):
    sort_keys = ("close", "name")
    default_sort = "close"

    q = forms.CharField(label="Search", required=False, max_length=100, help_text="Name or account")
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *OpportunityStatus.choices])
    stage = forms.TypedChoiceField(label="Stage", required=False, coerce=int, empty_value=None)
    type = forms.ChoiceField(label="Type", required=False, choices=[("", "Any type"), *OpportunityType.choices])
    owner = forms.CharField(label="Owner", required=False, max_length=12, widget=forms.Select)
    # Kept out of the filter row (it would not fit a row): the forecast page links with it.
    forecast_category = forms.ChoiceField(
        label="Forecast category", required=False, choices=[("", "Any category"), *ForecastCategory.choices],
        widget=forms.HiddenInput,
    )
    close_from = forms.DateField(label="Closing from", required=False, widget=DateInput)
    close_to = forms.DateField(label="Closing until", required=False, widget=DateInput, help_text="Inclusive")
    account = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    field_order = ["q", "status", "stage", "type", "owner", "forecast_category", "close_from", "close_to", "per_page", "sort"]

    def __init__(self, *args: Any, stages: Sequence[Any], owners: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("stage", [("", "Any stage"), *((str(stage.pk), stage.name) for stage in stages)])
        self.fields["owner"].widget.choices = [
            ("", "Anyone"), (ME, "Me"), *((str(user.pk), user.full_name or user.email) for user in owners)
        ]


def filters_from(actor: Any, values: Mapping[str, Any]) -> selectors.OpportunityFilters:
    """The selector's filters from the filter form's values (the list and the board)."""
    return selectors.OpportunityFilters(
        status=values.get("status") or "", stage_id=values.get("stage"), type=values.get("type") or "",
        owner_id=owner_value(actor, str(values.get("owner") or "")), account_id=values.get("account") or None,
        forecast_category=values.get("forecast_category") or "", close_from=values.get("close_from"),
        close_to=values.get("close_to"), search=values.get("q") or "", sort=values.get("sort") or "close",
    )


def owner_options(actor: Any) -> list[Any]:
    """The account managers the owner filter offers (one query)."""
    from tandem.people import selectors as people_selectors

    queryset = people_selectors.user_list(
        actor=actor, filters=people_selectors.UserFilters(role=Role.ACCOUNT_MANAGER, is_active=True)
    )
    return list(queryset.prefetch_related(None).select_related(None).only("id", "full_name", "email"))


OPPORTUNITY_EXPORT = [
    export.Column("Name", "name"),
    export.Column("Account", "account.name"),
    export.Column("Type", lambda row: row.get_type_display()),
    export.Column("Stage", "stage.name"),
    export.Column("Status", lambda row: row.get_status_display()),
    export.Column("Amount", "amount"),
    export.Column("Currency", "currency"),
    export.Column("Probability (%)", "probability"),
    export.Column("Forecast category", lambda row: row.get_forecast_category_display()),
    export.Column("Expected close", "expected_close_date"),
    export.Column("Closed on", "closed_on"),
    export.Column("Owner", "owner.full_name"),
    export.Column("Owner e-mail", "owner.email"),
    export.Column("Next step", "next_step"),
    export.Column("Lost reason", "lost_reason"),
]


def _works_pipeline(actor: Any) -> bool:
    return has_role(actor, Role.ACCOUNT_MANAGER) and not sees_everything(actor)


def _this_quarter(actor: Any) -> dict[str, Any]:
    start, end = quarter_bounds(timezone.localdate())
    return {"status": OpportunityStatus.OPEN, "close_from": start.isoformat(), "close_to": end.isoformat()}


@lists.register
class OpportunityList(ListView):
    """Opportunities by expected close date; an account manager opens on "My open
    pipeline"."""

    key = "opportunities"
    url_name = "commercial:opportunity_list"
    title, noun = "Opportunities", "opportunities"
    noun_one = "opportunity"
    template = "commercial/opportunities/opportunity_list.html"
    results_id = "opportunity-results"
    filter_form = OpportunityFilterForm
    columns = (
        Column("Name", sort="name", phone=True),
        Column("Stage", phone=True),
        Column("Amount", align="end", phone=True),
        Column("Probability", align="end"),
        Column("Expected close", sort="close", phone=True),
        Column("Owner"),
    )
    row_fields = opportunity_rows.OPPORTUNITY_ROW_FIELDS
    export_columns = OPPORTUNITY_EXPORT
    export_name = "opportunities"
    presets = (
        Preset("mine", "My open pipeline", lambda actor: {"status": OpportunityStatus.OPEN, "owner": ME}, visible=_works_pipeline),
        Preset("quarter", "Closing this quarter", _this_quarter),
        Preset("all", "All opportunities"),
    )
    bulk_actions = (lists.EXPORT_SELECTED,)
    totals_template = "commercial/opportunities/_totals.html"
    totals_errors = (MissingRateError,)

    def __init__(self, request: Any) -> None:
        super().__init__(request)
        self.stages = list(selectors.stage_list(actor=self.actor).only("id", "name"))  # the stage filter's choices
        self.owners = owner_options(self.actor)
        self._selections: dict[tuple[int, bool], QuerySet[Any]] = {}

    def default_preset(self) -> str | None:
        return "mine" if _works_pipeline(self.actor) else "all"

    def form_kwargs(self) -> dict[str, Any]:
        return {"stages": self.stages, "owners": self.owners}

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        # The rows and the totals read the same selection: built once (querysets are
        # cloned by whatever narrows them, so sharing one is safe).
        key = (id(values), for_count)
        if key not in self._selections:
            self._selections[key] = selectors.opportunity_list(
                actor=self.actor, filters=filters_from(self.actor, values), for_count=for_count
            )
        return self._selections[key]

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        return opportunity_rows.opportunity_rows(rows)

    def totals(self, selection: QuerySet[Any]) -> selectors.Totals:
        return selectors.pipeline_totals(selection)

    def counted_totals(self, selection: QuerySet[Any], cap: int) -> tuple[int, selectors.Totals] | None:
        try:
            totals = selectors.pipeline_totals(selection, cap=cap)
        except MissingRateError:
            return None  # counted and totalled apart: the totals say which rate is missing
        return totals.count, totals

    def extra_context(self) -> dict[str, Any]:
        return {"can_create": policy_for(Opportunity).can_create(self.actor)}


opportunity_list = OpportunityList.as_view()

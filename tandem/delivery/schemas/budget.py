"""Shapes of the budget API: project expenses (JSON without the file; the receipt has
its own multipart endpoint) and a project's earned value at a status date. Amounts are
decimal strings with two places, ratios decimal strings with four; a figure that cannot
be measured yet is ``null`` with its reason in ``notes``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from pydantic import BaseModel, ConfigDict, Field

from tandem.clients.schemas.bodies import VERSION_FIELD, StrictIn
from tandem.clients.schemas.refs import UserRef, decimal_text, user_ref
from tandem.clients.schemas.values import Currency, Day, Money, ReferenceId, body_text, patch_text
from tandem.core.api import PageMeta, optional
from tandem.delivery.models import ProjectExpense
from tandem.delivery.selectors.earned_value import EarnedValue


class ProjectExpenseOut(BaseModel):
    id: int
    project_id: int
    date: dt.date
    description: str
    category: str
    amount: str = Field(description="Decimal string, in ``currency``.")
    currency: str
    is_billable: bool
    spent_by: UserRef | None
    has_receipt: bool
    receipt_url: str | None = Field(description="The receipt's download link (for those who see the project).")
    version: int


class ProjectExpensePage(PageMeta):
    items: list[ProjectExpenseOut]


def expense_out(expense: ProjectExpense, *, actor: Any) -> dict[str, Any]:
    return {
        "id": expense.pk, "project_id": expense.project_id, "date": expense.date,
        "description": expense.description, "category": expense.category,
        "amount": decimal_text(expense.amount), "currency": expense.currency, "is_billable": expense.is_billable,
        "spent_by": user_ref(expense.spent_by, actor=actor), "has_receipt": bool(expense.receipt),
        "receipt_url": reverse("delivery:expense_receipt", kwargs={"project_expense_id": expense.pk})
        if expense.receipt else None,
        "version": expense.version,
    }


class ProjectExpenseCreateIn(StrictIn):
    """A project expense (the project's manager). ``currency`` defaults to the project's;
    ``spent_by_id`` names someone on the project's team."""

    date: Day
    description: str = body_text(200, required=True)
    category: str = body_text(100)
    amount: Money
    currency: Currency | None = Field(default=None, description="Default: the project's currency.")
    is_billable: bool = False
    spent_by_id: ReferenceId | None = Field(default=None, description="Someone on the project's team.")


class ProjectExpenseUpdateIn(StrictIn):
    """Changes to an expense: send ``version`` and only the fields to change."""

    version: int = VERSION_FIELD
    date: Day = optional()
    description: str = patch_text(200, required=True)
    category: str = patch_text(100)
    amount: Money = optional()
    currency: Currency = optional()
    is_billable: bool = optional()
    spent_by_id: ReferenceId | None = optional()


class EarnedValueQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status_date: dt.date | None = Field(default=None, description="Default: today (organisation time).")


class EarnedValueOut(BaseModel):
    project_id: int
    status_date: dt.date
    currency: str
    baseline_id: int | None = Field(description="The baseline planned dates come from; null: the current schedule.")
    weight: str = Field(description="What weighs the tasks: work, or duration when no work is estimated.")
    costs_visible: bool = Field(description="False: AC and the figures made from it are withheld (null).")
    bac: str
    planned_percent: str | None
    done_percent: str | None
    pv: str
    ev: str
    ac: str | None
    ac_time: str | None
    ac_expenses: str
    approved_hours: str
    uncosted_hours: str | None
    spent_percent: str | None
    cv: str | None
    sv: str
    cpi: str | None
    spi: str | None
    eac: str | None
    etc: str | None
    vac: str | None
    tcpi: str | None
    notes: dict[str, str] = Field(description="Why a figure is null: not measurable yet, or hidden.")


_COST_FIGURES = ("ac", "ac_time", "uncosted_hours", "spent_percent", "cv", "cpi", "eac", "etc", "vac", "tcpi")
_RATIOS = ("planned_percent", "done_percent", "spent_percent", "cpi", "spi", "tcpi")


def earned_value_out(value: EarnedValue, *, costs_visible: bool) -> dict[str, Any]:
    def text(name: str) -> str | None:
        figure = getattr(value, name)
        if figure is None:
            return None
        return f"{figure:.4f}" if name in _RATIOS else decimal_text(figure)

    names = ("bac", "planned_percent", "done_percent", "pv", "ev", "ac", "ac_time", "ac_expenses", "approved_hours",
             "uncosted_hours", "spent_percent", "cv", "sv", "cpi", "spi", "eac", "etc", "vac", "tcpi")
    out: dict[str, Any] = {name: text(name) for name in names}
    notes = dict(value.notes)
    if not costs_visible:
        for name in _COST_FIGURES:
            out[name] = None
            notes[name] = "hidden: shown to the project's manager and those who may see the account's costs."
    return {
        **out, "project_id": value.project_id, "status_date": value.status_date, "currency": value.currency,
        "baseline_id": value.baseline.pk if value.baseline is not None else None, "weight": value.weight,
        "costs_visible": costs_visible, "notes": notes,
    }

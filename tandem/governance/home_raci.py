"""The home card "My RACI duties": the rows where I am Responsible or Accountable whose
task is not done or whose deliverable is not accepted (named activities count until
removed), counted with the "My responsibilities" page's selector and filters, so the
number equals the page it links to."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from tandem.core import home
from tandem.core.home import Card, Row
from tandem.governance.models import RaciCell
from tandem.governance.selectors.raci import my_cells

KEY = "governance.my_raci_duties"
ROWS_SHOWN = 3
DUTY_LETTERS = ("R", "A")


def duties(user: Any) -> QuerySet[Any]:
    return my_cells(actor=user, letters=DUTY_LETTERS, open_only=True)


@home.count_source
def _numbers(user: Any) -> dict[str, home.Gated]:
    """My duties, built only when I hold an R or an A anywhere."""
    mine = home.Prepared(
        "governance.raci.mine", (*DUTY_LETTERS, user.pk),
        lambda: RaciCell.objects.filter(user=user.pk, letter__in=list(DUTY_LETTERS)),
    )
    return {KEY: home.Gated(mine=mine, build=lambda: duties(user).select_related(None).order_by())}


@home.card(key="my_raci_duties", title="My RACI duties", order=40)
def my_raci_duties(user: Any) -> Card | None:
    count = home.counts(user).get(KEY, 0)
    if not count:
        return None
    rows = [
        Row(str(cell.row), reverse("governance:project_raci", kwargs={"project_id": cell.row.project_id})
            + f"#raci-row-{cell.row_id}", detail=f"{cell.row.project.code} · {cell.get_letter_display()}")
        for cell in duties(user)[:ROWS_SHOWN]
    ]
    return Card(
        title="My RACI duties", count=count,
        url=reverse("governance:my_responsibilities") + "?letter=R&letter=A&open=1",
        caption="rows you are Responsible or Accountable for, not yet done", rows=rows,
    )

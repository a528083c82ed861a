"""Baselines: the plan saved under a name, to measure how far it has moved since.

* Only the project's manager (and admins) save or delete a baseline
  (:func:`tandem.delivery.policies.manages`, through the project's policy).
* :func:`baseline_save` copies every task's scheduled (early) start and finish, its
  duration and work, and a cost, into :class:`~tandem.delivery.models.BaselineTask`
  rows written in one bulk insert, and the project's totals (start, finish, work,
  cost) into the :class:`~tandem.delivery.models.Baseline`.
* A baseline's name is unique in its project; a second one with the same name is
  refused on ``name``.

The planned cost (the rule)
    A task's cost is its work hours at a planned rate: the project's budget spread by
    work. With a budget and some work in the plan, rate = budget ÷ total work hours of
    the work (not summary) tasks, and a work task's cost = budget × its work ÷ total
    work, rounded to the cent; the last work task in plan order takes the rounding
    difference, so the rows add up to the budget exactly. A summary task's work and cost
    are the sums of the work tasks under it. Without a budget, or with no work
    estimated, every cost is 0. The baseline's cost is the budget spread (= the budget
    when there is work), its work the total work. Variance
    (:mod:`tandem.delivery.selectors.baselines`) prices current work at the rate the
    baseline was saved with.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tandem.core.bulk import insert_plain
from tandem.core.permissions import require_change
from tandem.core.services import model_create, model_delete
from tandem.delivery.models import Baseline, BaselineTask, Project, Task

NAME_MAX_LENGTH = 100
CENT = Decimal("0.01")
_COLUMNS = ("baseline", "task", "start", "finish", "duration_minutes", "work_minutes", "cost")


def _clean_name(name: Any) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise ValidationError({"name": "Give the baseline a name, e.g. \"Signed off\"."})
    if len(text) > NAME_MAX_LENGTH:
        raise ValidationError({"name": f"Keep the name to {NAME_MAX_LENGTH} characters."})
    return text


def _duplicate(name: str) -> ValidationError:
    return ValidationError({"name": f"This project already has a baseline named \"{name}\": choose another name."})


def planned_costs(
    budget: Decimal, work: list[tuple[int, int | None, int, bool]],
) -> tuple[dict[int, Decimal], dict[int, int]]:
    """Each task's planned cost and its (rolled-up) work in minutes, by task id.

    ``work`` is the plan in outline order: ``(task id, parent id, work minutes,
    is_summary)``. Work tasks share ``budget`` by their work (the last one takes the
    rounding); summaries add up the tasks under them."""
    leaves = [(task_id, minutes) for task_id, _parent, minutes, summary in work if not summary]
    total = sum(minutes for _id, minutes in leaves)
    costs: dict[int, Decimal] = {}
    spent = Decimal(0)
    last_costed = max((index for index, (_id, minutes) in enumerate(leaves) if minutes), default=-1)
    for index, (task_id, minutes) in enumerate(leaves):
        if budget <= 0 or total == 0 or not minutes:
            costs[task_id] = Decimal("0.00")
        elif index == last_costed:
            costs[task_id] = (budget - spent).quantize(CENT)
        else:
            costs[task_id] = (budget * minutes / total).quantize(CENT, rounding=ROUND_HALF_UP)
            spent += costs[task_id]
    rolled = {task_id: minutes for task_id, minutes in leaves}
    parents = {task_id: parent for task_id, parent, _minutes, _summary in work}
    for task_id, minutes in leaves:
        parent = parents.get(task_id)
        while parent is not None:
            rolled[parent] = rolled.get(parent, 0) + minutes
            costs[parent] = costs.get(parent, Decimal("0.00")) + costs[task_id]
            parent = parents.get(parent)
    for task_id, _parent, _minutes, summary in work:
        if summary:
            rolled.setdefault(task_id, 0)
            costs.setdefault(task_id, Decimal("0.00"))
    return costs, rolled


@transaction.atomic
def baseline_save(*, actor: Any, project: Project, name: str) -> Baseline:
    """Save the project's current schedule as baseline ``name`` (its manager or an
    admin): one :class:`Baseline` and one :class:`BaselineTask` per task, the rows in one
    bulk insert."""
    if actor is not None:
        require_change(actor, project)
    name = _clean_name(name)
    if Baseline.objects.filter(project=project, name=name).exists():
        raise _duplicate(name)
    rows = list(
        Task.objects.filter(project=project).order_by("outline_index", "id").values_list(
            "id", "parent_id", "early_start", "early_finish", "duration_minutes", "work_minutes", "is_summary")
    )
    costs, work = planned_costs(
        project.budget, [(task_id, parent, minutes, summary) for task_id, parent, _s, _f, _d, minutes, summary in rows],
    )
    leaves = [row for row in rows if not row[6]]
    total_work = sum(row[5] for row in leaves)
    starts = [row[2] for row in rows if row[2] is not None]
    finishes = [row[3] for row in rows if row[3] is not None]
    data = {
        "project": project, "name": name, "saved_by": actor,
        "start": min(starts) if starts else None, "finish": max(finishes) if finishes else None,
        "work_minutes": total_work, "cost": sum((costs[row[0]] for row in leaves), Decimal("0.00")),
        "currency": project.currency,
    }
    try:
        with transaction.atomic():
            baseline = model_create(actor=actor, model=Baseline, data=data)
    except IntegrityError as error:  # the same name saved at the same moment
        raise _duplicate(name) from error
    insert_plain(BaselineTask, _COLUMNS, [
        (baseline.pk, task_id, start, finish, duration, work[task_id], costs[task_id])
        for task_id, _parent, start, finish, duration, _minutes, _summary in rows
    ])
    return baseline


@transaction.atomic
def baseline_delete(*, actor: Any, baseline: Baseline, expected_version: int | None = None) -> None:
    """Delete the baseline with its rows (its project's manager or an admin); with
    ``expected_version`` a baseline changed since is refused (409)."""
    if actor is not None:
        require_change(actor, baseline)
    model_delete(actor=actor, instance=baseline, expected_version=expected_version)

"""Settings of account management: the service levels page (``clients:service_levels``).

One page lists the first-response SLA of each tier and priority and the check-in cadence
of each tier. Everyone active may read it (the rules are public inside the firm: an
account manager plans by them); administrators edit each value in place (HTMX swaps the
table cell for a small form and back), or without JavaScript on a page of its own. A
save goes through ``sla_rule_update`` / ``cadence_rule_update`` with the version the
form was read at: a stale one answers 409 and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.clients import selectors, services
from tandem.clients.forms import CadenceRuleForm, SlaRuleForm
from tandem.clients.models import CadenceRule, Priority, SlaRule, Tier
from tandem.core.forms import StyledForm
from tandem.core.permissions import policy_for, require_change
from tandem.core.web import form_save, wants_partial

PAGE_TITLE = "Service levels"


def _hours_text(hours: Decimal) -> str:
    return f"{hours.normalize():f} h" if hours == hours.to_integral() else f"{hours:.2f} h"


def sla_cell(rule: SlaRule, *, can_change: bool, saved: bool = False) -> dict[str, Any]:
    """What a table cell shows for an SLA rule, and how to edit it."""
    return {
        "cell_id": f"sla-rule-{rule.pk}",
        "text": _hours_text(rule.response_hours),
        "label": f"{rule.get_tier_display()}, {rule.get_priority_display().lower()} priority",
        "edit_url": reverse("clients:sla_rule_edit", kwargs={"sla_rule_id": rule.pk}),
        "can_change": can_change,
        "saved": saved,
    }


def cadence_cell(rule: CadenceRule, *, can_change: bool, saved: bool = False) -> dict[str, Any]:
    days = rule.check_in_days
    return {
        "cell_id": f"cadence-rule-{rule.pk}",
        "text": f"Every {days} day{'s' if days != 1 else ''}",
        "label": f"{rule.get_tier_display()} check-in cadence",
        "edit_url": reverse("clients:cadence_rule_edit", kwargs={"cadence_rule_id": rule.pk}),
        "can_change": can_change,
        "saved": saved,
    }


@login_required
@require_GET
def service_levels(request: HttpRequest) -> HttpResponse:
    actor = request.user
    sla_rules, cadence_rules = selectors.service_levels(actor=actor)
    can_change = policy_for(SlaRule).can_change(actor, SlaRule())
    by_tier: dict[str, dict[str, SlaRule]] = {}
    for rule in sla_rules:
        by_tier.setdefault(rule.tier, {})[rule.priority] = rule
    priorities = list(reversed(Priority.choices))
    sla_rows = [
        {
            "tier": label,
            "cells": [
                sla_cell(by_tier[tier][priority], can_change=can_change) if priority in by_tier.get(tier, {}) else None
                for priority, _ in priorities
            ],
        }
        for tier, label in Tier.choices
    ]
    cadence_rows = [
        {"tier": rule.get_tier_display(), "cell": cadence_cell(rule, can_change=can_change)} for rule in cadence_rules
    ]
    context = {
        "title": PAGE_TITLE,
        "priorities": [label for _, label in priorities],
        "sla_rows": sla_rows,
        "cadence_rows": cadence_rows,
        "can_change": can_change,
    }
    return render(request, "clients/service_levels.html", context)


def _rule_edit(
    request: HttpRequest,
    rule: SlaRule | CadenceRule,
    form_class: type[StyledForm],
    field: str,
    write: Callable[[StyledForm], Any],
    cell: Callable[..., dict[str, Any]],
) -> HttpResponse:
    """The in-place edit of one rule: GET the form, POST it; the saved cell comes back
    (HTMX) or the page (plain POST)."""
    require_change(request.user, rule)
    auto_id = cell(rule, can_change=True)["cell_id"] + "-%s"  # unique ids with several cells open
    if request.method == "GET":
        form = form_class(initial={field: getattr(rule, field), "version": rule.version}, auto_id=auto_id)
    else:
        form = form_class(request.POST, auto_id=auto_id)
    result = form_save(form, lambda: write(form))
    inline = wants_partial(request)
    if result.saved:
        if inline:
            return render(request, "clients/partials/rule_cell.html", {"cell": cell(result.value, can_change=True, saved=True)})
        messages.success(request, f"{cell(result.value, can_change=True)['label']}: saved.")
        return redirect("clients:service_levels")
    context = {
        "form": form, "field": form[field], "cell": cell(rule, can_change=True), "conflict": result.conflict,
        "inline": inline, "title": f"Edit: {cell(rule, can_change=True)['label']}",
        "reload_url": reverse("clients:service_levels"),
    }
    if inline:
        return render(request, "clients/partials/rule_form.html", context, status=result.status)
    return render(request, "clients/rule_form_page.html", context, status=result.status)


@login_required
@require_http_methods(["GET", "POST"])
def sla_rule_edit(request: HttpRequest, sla_rule_id: int) -> HttpResponse:
    rule = selectors.sla_rule_get(actor=request.user, sla_rule_id=sla_rule_id)
    return _rule_edit(
        request, rule, SlaRuleForm, "response_hours",
        lambda form: services.sla_rule_update(
            actor=request.user, rule=rule, response_hours=form.cleaned_data["response_hours"],
            expected_version=form.cleaned_data["version"],
        ),
        sla_cell,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def cadence_rule_edit(request: HttpRequest, cadence_rule_id: int) -> HttpResponse:
    rule = selectors.cadence_rule_get(actor=request.user, cadence_rule_id=cadence_rule_id)
    return _rule_edit(
        request, rule, CadenceRuleForm, "check_in_days",
        lambda form: services.cadence_rule_update(
            actor=request.user, rule=rule, check_in_days=form.cleaned_data["check_in_days"],
            expected_version=form.cleaned_data["version"],
        ),
        cadence_cell,
    )  # fmt: skip


# Mounted by tandem/clients/urls.py under settings/service-levels/ (URL names in "clients:").
urlpatterns = [
    path("", service_levels, name="service_levels"),
    path("sla/<int:sla_rule_id>/", sla_rule_edit, name="sla_rule_edit"),
    path("cadence/<int:cadence_rule_id>/", cadence_rule_edit, name="cadence_rule_edit"),
]

"""Settings → Pipeline stages (administrators): rename, reorder, default probability and
forecast category, add, deactivate; a stage in use cannot be deleted. Each row is its
own form, saved through :mod:`tandem.commercial.services.stages` with its version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from tandem.commercial import services
from tandem.commercial.models import ForecastCategory, Stage, StageOutcome
from tandem.commercial.selectors import opportunities as selectors
from tandem.core.errors import PermissionDeniedError
from tandem.core.forms import VersionedForm
from tandem.core.permissions import is_admin, policy_for
from tandem.core.web import form_save


class StageForm(VersionedForm):
    name = forms.CharField(label="Name", max_length=60)
    order = forms.IntegerField(label="Order", min_value=0, max_value=999, required=False)
    probability = forms.IntegerField(label="Probability (%)", min_value=0, max_value=100, required=False)
    forecast_category = forms.ChoiceField(label="Forecast category", choices=ForecastCategory.choices, required=False)
    outcome = forms.ChoiceField(label="Outcome", choices=StageOutcome.choices, initial=StageOutcome.OPEN)
    is_active = forms.BooleanField(label="In use", required=False, initial=True)

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version" and value not in (None, "")}


def _require_admin(actor: Any) -> None:
    if not is_admin(actor):
        raise PermissionDeniedError("Only administrators change the pipeline stages.")


def _rows(actor: Any, bound: dict[int, StageForm] | None = None) -> list[tuple[Stage, StageForm, bool]]:
    used = selectors.stages_in_use()
    rows = []
    for stage in selectors.stage_list(actor=actor, include_inactive=True):
        form = (bound or {}).get(stage.pk) or StageForm(
            initial={name: getattr(stage, name) for name in ("name", "order", "probability", "forecast_category", "outcome", "is_active", "version")},
            editing=True, auto_id=f"stage_{stage.pk}_%s",
        )
        form.fields["name"].widget.attrs["form"] = f"stage-form-{stage.pk}"
        rows.append((stage, form, stage.pk in used))
    return rows


def _page(request: HttpRequest, *, bound: dict[int, StageForm] | None = None, new_form: StageForm | None = None, status: int = 200) -> HttpResponse:
    actor = request.user
    context = {
        "rows": _rows(actor, bound),
        "new_form": new_form or StageForm(auto_id="new_stage_%s"),
        "can_change": policy_for(Stage).can_create(actor),
    }
    return render(request, "commercial/opportunities/stage_settings.html", context, status=status)


@login_required
@require_GET
def stage_settings(request: HttpRequest) -> HttpResponse:
    _require_admin(request.user)
    return _page(request)


@login_required
@require_POST
def stage_add(request: HttpRequest) -> HttpResponse:
    actor = request.user
    _require_admin(actor)
    form = StageForm(request.POST, auto_id="new_stage_%s")
    result = form_save(form, lambda: services.stage_create(actor=actor, data=form.service_data()))
    if result.saved:
        messages.success(request, f"The stage {result.value.name} has been added.")
        return redirect("commercial:stage_settings")
    return _page(request, new_form=form, status=422)


@login_required
@require_POST
def stage_edit(request: HttpRequest, stage_id: int) -> HttpResponse:
    actor = request.user
    _require_admin(actor)
    stage = selectors.stage_get(actor=actor, stage_id=stage_id)
    form = StageForm(request.POST, editing=True, auto_id=f"stage_{stage.pk}_%s")
    result = form_save(form, lambda: services.stage_update(
        actor=actor, stage=stage, data=form.service_data() | {"is_active": form.cleaned_data["is_active"]},
        expected_version=form.cleaned_data["version"],
    ))
    if result.saved:
        messages.success(request, f"The stage {result.value.name} has been saved.")
        return redirect("commercial:stage_settings")
    return _page(request, bound={stage.pk: form}, status=result.status if result.status != 200 else 422)


@login_required
@require_POST
def stage_delete(request: HttpRequest, stage_id: int) -> HttpResponse:
    actor = request.user
    _require_admin(actor)
    stage = selectors.stage_get(actor=actor, stage_id=stage_id)
    try:
        services.stage_delete(actor=actor, stage=stage)
    except forms.ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The stage {stage.name} has been deleted.")
    return redirect("commercial:stage_settings")

"""The "New project" page (``/delivery/projects/new/``): project managers and admins
create a project — blank, or from a template, whose task tree it copies
(:func:`tandem.delivery.services.project_create_from_template`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tandem.clients import selectors as client_selectors
from tandem.core.forms import DateInput, StyledForm
from tandem.core.permissions import require_create
from tandem.core.roles import Role
from tandem.core.web import form_save
from tandem.delivery import selectors, services
from tandem.delivery.models import BillingType, Project
from tandem.people import selectors as people_selectors


class ProjectCreateForm(StyledForm):
    code = forms.CharField(max_length=32, help_text="Capitals, digits and dashes, e.g. ACME-WEB.")
    name = forms.CharField(max_length=200)
    account: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, required=False, empty_label="None: an internal project")
    manager: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label="Project manager", empty_label=None)
    start_date = forms.DateField(widget=DateInput)
    due_date = forms.DateField(widget=DateInput, required=False)
    budget = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, required=False, initial=0)
    currency = forms.CharField(max_length=3, required=False, help_text="Empty: the account's currency.")
    billing_type = forms.ChoiceField(choices=BillingType.choices, label="Billing")
    template: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, required=False, empty_label="None: an empty plan",
                                      help_text="Copies its task tree, estimates and links; dates run from the start date.")

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accounts = client_selectors.account_list(actor=actor).select_related(None).prefetch_related(None)
        self.fields["account"].queryset = accounts.only("id", "name").order_by("name", "pk")  # type: ignore[attr-defined]
        managers = people_selectors.user_list(
            actor=actor, filters=people_selectors.UserFilters(role=Role.PROJECT_MANAGER, is_active=True))
        self.fields["manager"].queryset = managers.select_related(None).prefetch_related(None)  # type: ignore[attr-defined]
        self.fields["manager"].label_from_instance = lambda user: user.full_name or user.email  # type: ignore[attr-defined]
        self.fields["manager"].initial = actor.pk
        templates = selectors.project_list(actor=actor, filters=selectors.ProjectFilters(templates=True))
        self.fields["template"].queryset = templates.select_related(None)  # type: ignore[attr-defined]
        self.fields["template"].label_from_instance = lambda project: f"{project.code} — {project.name}"  # type: ignore[attr-defined]

    def data_for_service(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("template")
        if values.get("budget") is None:
            values["budget"] = 0
        if not values.get("currency"):
            values.pop("currency", None)
        if values.get("account") is None:
            values.pop("account", None)
        return values


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    require_create(actor, Project)
    form = ProjectCreateForm(request.POST or None, actor=actor)

    def write() -> Project:
        template = form.cleaned_data["template"]
        if template is not None:
            return services.project_create_from_template(actor=actor, template=template,
                                                         data=form.data_for_service())
        return services.project_create(actor=actor, data=form.data_for_service())

    result = form_save(form, write)
    if result.saved:
        project = result.value
        messages.success(request, f"Project {project.code} created.")
        return redirect(reverse("delivery:project_detail", kwargs={"project_id": project.pk}))
    return render(request, "delivery/project_create/project_create.html", {"form": form}, status=result.status)

"""Commercial pages, mounted under ``/sales/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from django.urls import path

from tandem.commercial.views import contract_list, contracts

app_name = "commercial"
urlpatterns: list[object] = []

# --- contracts (contracts slice) ---
urlpatterns += [
    path("contracts/", contract_list.contract_list_view, name="contract_list"),
    path("contracts/new/", contracts.contract_create, name="contract_create"),
    path("contracts/<int:contract_id>/", contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:contract_id>/edit/", contracts.contract_edit, name="contract_edit"),
    path("contracts/<int:contract_id>/negotiate/", contracts.contract_negotiate, name="contract_negotiate"),
    path("contracts/<int:contract_id>/activate/", contracts.contract_activate, name="contract_activate"),
    path("contracts/<int:contract_id>/expire/", contracts.contract_expire, name="contract_expire"),
    path("contracts/<int:contract_id>/terminate/", contracts.contract_terminate, name="contract_terminate"),
    path("contracts/<int:contract_id>/rounds/", contracts.negotiation_round_create, name="negotiation_round_create"),
    path("contracts/<int:contract_id>/milestones/", contracts.billing_milestone_create, name="billing_milestone_create"),
    path("negotiation-rounds/<int:negotiation_round_id>/answer/", contracts.negotiation_round_answer, name="negotiation_round_answer"),
    path("milestones/<int:billing_milestone_id>/bill/", contracts.billing_milestone_bill, name="billing_milestone_bill"),
    path("milestones/<int:billing_milestone_id>/delete/", contracts.billing_milestone_delete, name="billing_milestone_delete"),
    path("opportunities/<int:opportunity_id>/convert/", contracts.opportunity_convert, name="opportunity_convert"),
]

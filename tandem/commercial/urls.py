"""Commercial pages, mounted under ``/sales/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from django.urls import path

from tandem.commercial.views import expenses as expense_views
from tandem.commercial.views import profitability as profitability_views

app_name = "commercial"
urlpatterns: list[object] = []

# --- profit: profitability and expenses ---
urlpatterns += [
    path("profitability/", profitability_views.profitability, name="profitability"),
    path("expenses/", expense_views.expense_list_view, name="expense_list"),
    path("expenses/<int:expense_id>/", expense_views.expense_edit, name="expense_edit"),
    path("accounts/<int:account_id>/expenses/new/", expense_views.expense_create, name="expense_create"),
]

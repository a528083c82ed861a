"""Commercial pages, mounted under ``/sales/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from django.urls import path

from tandem.commercial.views import budgets, forecast, revenue

app_name = "commercial"
urlpatterns: list[object] = []

# forecast slice: revenue, budgets, forecast
urlpatterns += [
    path("revenue/", revenue.revenue_list, name="revenue_list"),
    path("revenue/new/", revenue.revenue_create, name="revenue_create"),
    path("revenue/<int:revenue_entry_id>/", revenue.revenue_entry_edit, name="revenue_entry_edit"),
    path("budgets/", budgets.budget_list, name="budget_list"),
    path("accounts/<int:account_id>/budgets/", budgets.account_budgets, name="account_budgets"),
    path("budgets/<int:budget_id>/", budgets.budget_edit, name="budget_edit"),
    path("forecast/", forecast.forecast_page, name="forecast"),
]

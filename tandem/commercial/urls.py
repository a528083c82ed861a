"""Commercial pages, mounted under ``/sales/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from django.urls import path

from tandem.commercial.views import (
    account_pricing,
    budgets,
    catalog,
    expenses,
    forecast,
    profitability,
    quote_list,
    quotes,
    rates,
    revenue,
)

app_name = "commercial"
urlpatterns: list[object] = [
    # catalog: catalog, pricing, currencies
    path("catalog/", catalog.product_list, name="product_list"),
    path("catalog/new/", catalog.product_create, name="product_create"),
    path("catalog/<int:product_id>/", catalog.product_edit, name="product_edit"),
    path("settings/price-lists/", catalog.price_list_list, name="price_list_list"),
    path("settings/price-lists/<int:price_list_id>/", catalog.price_list_detail, name="price_list_detail"),
    path("settings/rate-cards/", catalog.rate_card_list, name="rate_card_list"),
    path("settings/rate-cards/<int:rate_card_id>/", catalog.rate_card_detail, name="rate_card_detail"),
    path("settings/exchange-rates/", rates.exchange_rates, name="exchange_rates"),
    path("accounts/<int:account_id>/pricing/", account_pricing.account_pricing, name="account_pricing"),
    path("quotes/", quote_list.quote_list, name="quote_list"),
    path("quotes/<int:quote_id>/", quotes.quote_detail, name="quote_detail"),
    path("quotes/<int:quote_id>/print/", quotes.quote_print, name="quote_print"),
    path("quotes/<int:quote_id>/revise/", quotes.quote_revise, name="quote_revise"),
    path("quotes/<int:quote_id>/send/", quotes.quote_send, name="quote_send"),
    path("quotes/<int:quote_id>/accept/", quotes.quote_accept, name="quote_accept"),
    path("quotes/<int:quote_id>/decline/", quotes.quote_decline, name="quote_decline"),
    path("opportunities/<int:opportunity_id>/quotes/new/", quotes.quote_create, name="quote_create"),
    path("revenue/", revenue.revenue_list, name="revenue_list"),
    path("revenue/new/", revenue.revenue_create, name="revenue_create"),
    path("revenue/<int:revenue_entry_id>/", revenue.revenue_entry_edit, name="revenue_entry_edit"),
    path("budgets/", budgets.budget_list, name="budget_list"),
    path("accounts/<int:account_id>/budgets/", budgets.account_budgets, name="account_budgets"),
    path("budgets/<int:budget_id>/", budgets.budget_edit, name="budget_edit"),
    path("forecast/", forecast.forecast_page, name="forecast"),
    path("profitability/", profitability.profitability, name="profitability"),
    path("expenses/", expenses.expense_list_view, name="expense_list"),
    path("expenses/<int:expense_id>/", expenses.expense_edit, name="expense_edit"),
    path("accounts/<int:account_id>/expenses/new/", expenses.expense_create, name="expense_create"),
]

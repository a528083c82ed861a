"""Commercial pages, mounted under ``/sales/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from django.urls import path

from tandem.commercial.views import quote_list, quotes

app_name = "commercial"
urlpatterns: list[object] = []

# Quotes: the list, a quote, its printable page, made from an opportunity, revised, answered.
urlpatterns += [
    path("quotes/", quote_list.quote_list, name="quote_list"),
    path("quotes/<int:quote_id>/", quotes.quote_detail, name="quote_detail"),
    path("quotes/<int:quote_id>/print/", quotes.quote_print, name="quote_print"),
    path("quotes/<int:quote_id>/revise/", quotes.quote_revise, name="quote_revise"),
    path("quotes/<int:quote_id>/send/", quotes.quote_send, name="quote_send"),
    path("quotes/<int:quote_id>/accept/", quotes.quote_accept, name="quote_accept"),
    path("quotes/<int:quote_id>/decline/", quotes.quote_decline, name="quote_decline"),
    path("opportunities/<int:opportunity_id>/quotes/new/", quotes.quote_create, name="quote_create"),
]

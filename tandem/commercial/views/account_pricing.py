"""An account's pricing page (``commercial:account_pricing``): its terms, its negotiated
prices and the price that applies to each product with the rule that chose it. It
follows the account: 404 when hidden; those who may change the account change the
terms and prices, others (executives) read them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tandem.clients.policies import may_change_account
from tandem.clients.selectors import account_get
from tandem.commercial import services
from tandem.commercial.pricing import PriceBook
from tandem.commercial.selectors import catalog as selectors
from tandem.commercial.views.catalog_forms import AccountPriceForm, AccountPricingForm
from tandem.core.permissions import require_change
from tandem.core.web import form_save

PRODUCTS_SHOWN = 200


@login_required
@require_http_methods(["GET", "POST"])
def account_pricing(request: HttpRequest, account_id: int) -> HttpResponse:
    """The account's terms, its negotiated prices and the price that applies to each
    product with the rule. Those who may change the account change the terms
    (``action=terms``), add a negotiated price (``action=add_price``) or remove one
    (``action=remove_price``, ``price``)."""
    actor = request.user
    account = account_get(actor=actor, account_id=account_id)
    can_change = may_change_account(actor, account)
    terms = selectors.account_pricing_get(actor=actor, account=account)
    negotiated = list(selectors.account_price_list(actor=actor, account=account))
    products = selectors.product_list(actor=actor)
    price_lists, rate_cards = selectors.price_list_list(actor=actor), selectors.rate_card_list(actor=actor)
    initial: dict[str, Any] = {"version": terms.version} if terms else {}
    if terms is not None:
        initial.update({name: getattr(terms, name) for name in
                        ("price_list", "rate_card", "discount_percent", "pricing_strategy", "payment_terms_days", "notes")})
    terms_form = AccountPricingForm(initial=initial, editing=True, price_lists=price_lists, rate_cards=rate_cards)
    price_form = AccountPriceForm(products=products.exclude(pk__in=[row.product_id for row in negotiated]), auto_id="new-price-%s")
    status = 200
    if request.method == "POST":
        if not can_change:
            require_change(actor, account)
        action = request.POST.get("action", "terms")
        if action == "add_price":
            price_form = AccountPriceForm(request.POST, products=products, auto_id="new-price-%s")
            result = form_save(price_form, lambda: services.account_price_create(
                actor=actor, account=account, data=price_form.service_data()))
            if result.saved:
                messages.success(request, f"The negotiated price for {result.value.product.name} has been saved.")
                return redirect("commercial:account_pricing", account_id=account.pk)
        elif action == "remove_price":
            row = next((item for item in negotiated if str(item.pk) == request.POST.get("price", "")), None)
            if row is not None:
                services.account_price_delete(actor=actor, account_price=row)
                messages.success(request, f"The negotiated price for {row.product.name} has been removed.")
            return redirect("commercial:account_pricing", account_id=account.pk)
        else:
            terms_form = AccountPricingForm(request.POST, editing=True, price_lists=price_lists, rate_cards=rate_cards)
            saved_terms = form_save(terms_form, lambda: services.account_pricing_update(
                actor=actor, account=account, data=terms_form.service_data(),
                expected_version=terms_form.cleaned_data.get("version")))
            if saved_terms.saved:
                messages.success(request, f"The terms of {account.name} have been saved.")
                return redirect("commercial:account_pricing", account_id=account.pk)
            status = saved_terms.status
    on = timezone.localdate()
    shown = list(products[:PRODUCTS_SHOWN])
    book = PriceBook(account, on=on, products=shown)
    applied = [(product, book.price(product)) for product in shown]
    context = {
        "account": account, "terms": terms, "negotiated": negotiated, "applied": applied, "on": on,
        "can_change": can_change, "terms_form": terms_form, "price_form": price_form,
    }
    return render(request, "commercial/catalog/account_pricing.html", context, status=status)

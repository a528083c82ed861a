"""Catalog pages: the product list (a core ListView, key ``products``), product create
and edit, price lists with their items, rate cards with their lines, and an account's
pricing page (its terms, negotiated prices and the price that applies to each product,
with the rule).

Everyone signed in reads the catalog; administrators change it. The unit cost column,
field and export only for those who may see costs. An account's pricing page follows the
account (404 when hidden, read-only without the right to change it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from tandem.commercial import services
from tandem.commercial.models import PriceList, Product, RateCard, Recurrence, Unit
from tandem.commercial.policies import may_see_costs
from tandem.commercial.selectors import catalog as selectors
from tandem.commercial.views.catalog_forms import (
    PriceListForm,
    PriceListItemForm,
    ProductForm,
    RateCardForm,
    RateCardLineForm,
)
from tandem.core import export, lists
from tandem.core.errors import ConflictError
from tandem.core.forms import FastSelect
from tandem.core.lists import Column, ListFilterForm, ListView
from tandem.core.permissions import policy_for, require_change, require_create
from tandem.core.rows import UrlPattern, esc, joined
from tandem.core.web import form_save
from tandem.people import selectors as people_selectors

GET_POST = ["GET", "POST"]


def money(amount: Any, currency: str) -> str:
    """``1,200.00 EUR``."""
    return "" if amount is None else f"{amount:,.2f} {currency}"


# --- Product list ---------------------------------------------------------------------------


class ProductFilterForm(ListFilterForm):
    sort_keys = ("name", "category", "list_price")
    default_sort = "name"

    q = forms.CharField(label="Search", required=False, max_length=100, help_text="Name, code or category")
    category = forms.ChoiceField(label="Category", required=False, widget=FastSelect)
    recurrence = forms.ChoiceField(label="Billed", required=False, choices=[("", "Any"), *Recurrence.choices], widget=FastSelect)
    inactive = forms.BooleanField(label="Include products no longer on sale", required=False)
    field_order = ["q", "category", "recurrence", "inactive", "per_page", "sort"]

    def __init__(self, *args: Any, categories: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("category", [("", "Any category"), *((name, name) for name in categories)])


PRODUCT_ROW_FIELDS = ("id", "name", "code", "category", "unit", "recurrence", "list_price", "unit_cost", "currency", "is_active")
PRODUCT_EXPORT = [
    export.Column("Name", "name"), export.Column("Code", "code"), export.Column("Category", "category"),
    export.Column("Unit", lambda row: row.get_unit_display()), export.Column("Billed", lambda row: row.get_recurrence_display()),
    export.Column("Pricing strategy", lambda row: row.get_pricing_strategy_display()),
    export.Column("List price", "list_price"), export.Column("Currency", "currency"),
    export.Column("On sale", lambda row: "yes" if row.is_active else "no"),
]
COST_EXPORT = export.Column("Unit cost", "unit_cost")
UNITS = dict(Unit.choices)
RECURRENCES = dict(Recurrence.choices)


@lists.register
class ProductList(ListView):
    """Products and services with their list price (and unit cost for those who may see costs)."""

    key = "products"
    url_name = "commercial:product_list"
    title, noun = "Catalog", "products"
    template = "commercial/catalog/product_list.html"
    results_id = "product-results"
    filter_form = ProductFilterForm
    columns = (
        Column("Name", sort="name", phone=True),
        Column("Category", sort="category", phone=True),
        Column("Sold by"),
        Column("Billed"),
        Column("List price", sort="list_price", align="end", phone=True),
    )
    cost_column = Column("Unit cost", align="end")
    row_fields = PRODUCT_ROW_FIELDS
    export_name = "products"

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.show_cost = may_see_costs(self.actor)
        self.export_columns = [*PRODUCT_EXPORT, COST_EXPORT] if self.show_cost else PRODUCT_EXPORT  # type: ignore[misc]

    def form_kwargs(self) -> dict[str, Any]:
        """The category filter offers the categories in use (one query)."""
        return {"categories": selectors.product_categories(actor=self.actor)}

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        filters = selectors.ProductFilters(
            search=values["q"], category=values["category"], recurrence=values["recurrence"],
            include_inactive=values["inactive"], sort=values["sort"],
        )
        return selectors.product_list(actor=self.actor, filters=filters, for_count=for_count)

    def shown_columns(self, rows: Sequence[Any], values: Mapping[str, Any]) -> Sequence[Column]:
        return (*self.columns, self.cost_column) if self.show_cost else self.columns

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        edit = UrlPattern("commercial:product_edit", "product_id")
        out = []
        for row in rows:
            badge = "" if row["is_active"] else ' <span class="badge text-bg-secondary">Not on sale</span>'
            code = f' <span class="small text-body-secondary">{esc(row["code"])}</span>' if row["code"] else ""
            cost = f'\n          <td class="text-end">{esc(money(row["unit_cost"], row["currency"]))}</td>' if self.show_cost else ""
            out.append(
                '\n        <tr data-testid="list-row">'
                f'\n          <td><a href="{edit(row["id"])}">{esc(row["name"])}</a>{code}{badge}</td>'
                f'\n          <td>{esc(row["category"])}</td>'
                f'\n          <td>{esc(UNITS.get(row["unit"], row["unit"]))}</td>'
                f'\n          <td>{esc(RECURRENCES.get(row["recurrence"], row["recurrence"]))}</td>'
                f'\n          <td class="text-end">{esc(money(row["list_price"], row["currency"]))}</td>{cost}'
                "\n        </tr>\n        "
            )
        return joined(out)

    def extra_context(self) -> dict[str, Any]:
        return {"can_create": policy_for(Product).can_create(self.actor)}


product_list = ProductList.as_view()


# --- Product create / edit ------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def product_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    require_create(actor, Product)
    form = ProductForm(request.POST or None, show_cost=may_see_costs(actor))
    result = form_save(form, lambda: services.product_create(actor=actor, data=form.service_data()))
    if result.saved:
        messages.success(request, f"{result.value.name} has been added to the catalog.")
        return redirect("commercial:product_list")
    return render(request, "commercial/catalog/product_form.html", {"form": form, "editing": None})


@login_required
@require_http_methods(GET_POST)
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    """The product's page: admins edit it; others read its details."""
    actor = request.user
    product = selectors.product_get(actor=actor, product_id=product_id)
    can_change = policy_for(Product).can_change(actor, product)
    show_cost = may_see_costs(actor)
    if request.method == "POST":
        require_change(actor, product)
        form = ProductForm(request.POST, editing=True, show_cost=show_cost)
        result = form_save(form, lambda: services.product_update(
            actor=actor, product=product, data=form.service_data(), expected_version=form.cleaned_data["version"]))
        if result.saved:
            messages.success(request, f"Changes to {product.name} have been saved.")
            return redirect("commercial:product_list")
        status, conflict = result.status, result.conflict
    else:
        form = ProductForm(initial=ProductForm.initial_for(product), editing=True, show_cost=show_cost)
        status, conflict = 200, False
    context = {"form": form, "editing": product, "can_change": can_change, "conflict": conflict, "show_cost": show_cost}
    return render(request, "commercial/catalog/product_form.html", context, status=status)


# --- Price lists ----------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def price_list_list(request: HttpRequest) -> HttpResponse:
    """The price lists; administrators add one here."""
    actor = request.user
    can_create = policy_for(PriceList).can_create(actor)
    form = PriceListForm(request.POST or None)
    if request.method == "POST":
        require_create(actor, PriceList)
        result = form_save(form, lambda: services.price_list_create(actor=actor, data=form.service_data()))
        if result.saved:
            messages.success(request, f"The price list {result.value.name} has been created: add its prices below.")
            return redirect("commercial:price_list_detail", price_list_id=result.value.pk)
    price_lists = list(selectors.price_list_list(actor=actor))
    context = {"price_lists": price_lists, "form": form, "can_create": can_create}
    return render(request, "commercial/catalog/price_list_list.html", context)


def _decimal_or_none(value: str) -> Any:
    try:
        return Decimal(value.strip()) if value.strip() else None
    except InvalidOperation:
        return "invalid"


@login_required
@require_http_methods(GET_POST)
def price_list_detail(request: HttpRequest, price_list_id: int) -> HttpResponse:
    """A price list and its prices. Administrators change the list (``action=save``),
    add a product's price (``action=add_item``), change prices in place (``price-<item id>``
    fields, ``action=save_items``) or remove one (``action=remove_item``, ``item``)."""
    actor = request.user
    price_list = selectors.price_list_get(actor=actor, price_list_id=price_list_id)
    can_change = policy_for(PriceList).can_change(actor, price_list)
    items = list(selectors.price_list_items(actor=actor, price_list=price_list))
    priced = {item.product_id for item in items}
    products = selectors.product_list(actor=actor).exclude(pk__in=priced)
    list_form = PriceListForm(initial={**{name: getattr(price_list, name) for name in
                                          ("name", "currency", "valid_from", "valid_until", "description", "is_active")},
                                       "version": price_list.version}, editing=True)
    item_form = PriceListItemForm(products=products, auto_id="new-item-%s")
    status = 200
    if request.method == "POST":
        require_change(actor, price_list)
        action = request.POST.get("action", "save")
        if action == "add_item":
            item_form = PriceListItemForm(request.POST, products=products, auto_id="new-item-%s")
            result = form_save(item_form, lambda: services.price_list_item_create(
                actor=actor, price_list=price_list, data=dict(item_form.cleaned_data)))
            if result.saved:
                messages.success(request, f"{result.value.product.name} is now priced in {price_list.name}.")
                return redirect("commercial:price_list_detail", price_list_id=price_list.pk)
        elif action == "remove_item":
            item = next((row for row in items if str(row.pk) == request.POST.get("item", "")), None)
            if item is not None:
                services.price_list_item_delete(actor=actor, item=item)
                messages.success(request, f"{item.product.name} has been removed from {price_list.name}.")
            return redirect("commercial:price_list_detail", price_list_id=price_list.pk)
        elif action == "save_items":
            errors = _save_prices(actor, items, request.POST)
            if not errors:
                messages.success(request, "The prices have been saved.")
                return redirect("commercial:price_list_detail", price_list_id=price_list.pk)
            for error in errors:
                messages.error(request, error)
            status = 400
        else:
            list_form = PriceListForm(request.POST, editing=True)
            saved_list = form_save(list_form, lambda: services.price_list_update(
                actor=actor, price_list=price_list, data=list_form.service_data(),
                expected_version=list_form.cleaned_data["version"]))
            if saved_list.saved:
                messages.success(request, f"Changes to {price_list.name} have been saved.")
                return redirect("commercial:price_list_detail", price_list_id=price_list.pk)
            status = saved_list.status
    context = {
        "price_list": price_list, "items": items, "can_change": can_change, "list_form": list_form,
        "item_form": item_form, "has_products": products.exists() if can_change else False,
    }
    return render(request, "commercial/catalog/price_list_detail.html", context, status=status)


def _save_prices(actor: Any, items: Sequence[Any], post: Any) -> list[str]:
    errors = []
    for item in items:
        raw = post.get(f"price-{item.pk}")
        if raw is None:
            continue
        price = _decimal_or_none(raw)
        if price is None or price == "invalid" or price < 0:
            errors.append(f"{item.product.name}: write the price as a number, e.g. 950.00.")
            continue
        if price == item.unit_price:
            continue
        try:
            services.price_list_item_update(actor=actor, item=item, data={"unit_price": price})
        except (ValidationError, ConflictError) as error:
            errors.append(f"{item.product.name}: {getattr(error, 'message', None) or '; '.join(error.messages)}")  # type: ignore[union-attr]
    return errors


# --- Rate cards -----------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def rate_card_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    can_create = policy_for(RateCard).can_create(actor)
    form = RateCardForm(request.POST or None)
    if request.method == "POST":
        require_create(actor, RateCard)
        result = form_save(form, lambda: services.rate_card_create(actor=actor, data=form.service_data()))
        if result.saved:
            messages.success(request, f"The rate card {result.value.name} has been created: add its rates below.")
            return redirect("commercial:rate_card_detail", rate_card_id=result.value.pk)
    context = {"rate_cards": list(selectors.rate_card_list(actor=actor)), "form": form, "can_create": can_create}
    return render(request, "commercial/catalog/rate_card_list.html", context)


@login_required
@require_http_methods(GET_POST)
def rate_card_detail(request: HttpRequest, rate_card_id: int) -> HttpResponse:
    """A rate card and its hourly rates. Administrators change the card (``action=save``),
    add a rate (``action=add_line``) or remove one (``action=remove_line``, ``line``)."""
    actor = request.user
    card = selectors.rate_card_get(actor=actor, rate_card_id=rate_card_id)
    can_change = policy_for(RateCard).can_change(actor, card)
    lines = list(selectors.rate_card_lines(actor=actor, rate_card=card))
    people = people_selectors.user_list(actor=actor).filter(is_active=True) if can_change else None
    card_form = RateCardForm(initial={"name": card.name, "currency": card.currency, "is_default": card.is_default,
                                      "description": card.description, "version": card.version}, editing=True)
    line_form = RateCardLineForm(people=people, auto_id="new-line-%s")
    status = 200
    if request.method == "POST":
        require_change(actor, card)
        action = request.POST.get("action", "save")
        if action == "add_line":
            line_form = RateCardLineForm(request.POST, people=people, auto_id="new-line-%s")
            result = form_save(line_form, lambda: services.rate_card_line_create(
                actor=actor, rate_card=card, data=dict(line_form.cleaned_data)))
            if result.saved:
                messages.success(request, "The rate has been added.")
                return redirect("commercial:rate_card_detail", rate_card_id=card.pk)
        elif action == "remove_line":
            line = next((row for row in lines if str(row.pk) == request.POST.get("line", "")), None)
            if line is not None:
                services.rate_card_line_delete(actor=actor, line=line)
                messages.success(request, "The rate has been removed.")
            return redirect("commercial:rate_card_detail", rate_card_id=card.pk)
        else:
            card_form = RateCardForm(request.POST, editing=True)
            saved_card = form_save(card_form, lambda: services.rate_card_update(
                actor=actor, rate_card=card, data=card_form.service_data(), expected_version=card_form.cleaned_data["version"]))
            if saved_card.saved:
                messages.success(request, f"Changes to {card.name} have been saved.")
                return redirect("commercial:rate_card_detail", rate_card_id=card.pk)
            status = saved_card.status
    context = {"rate_card": card, "lines": lines, "can_change": can_change, "card_form": card_form, "line_form": line_form}
    return render(request, "commercial/catalog/rate_card_detail.html", context, status=status)

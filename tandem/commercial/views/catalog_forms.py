"""Forms of the catalog, pricing and exchange-rate pages (parse only: the rules are the
services')."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from tandem.commercial.models import PricingStrategy, Product, Recurrence, Unit
from tandem.core.forms import DateInput, FastSelect, StyledForm, VersionedForm

CURRENCY_HELP = "Three letters, e.g. EUR, USD, GBP."


def money_field(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=Decimal(0), max_digits=16, decimal_places=2, **kwargs)


def percent_field(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=Decimal(0), max_value=Decimal(100), max_digits=5, decimal_places=2, **kwargs)


class CurrencyField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Currency")
        kwargs.setdefault("help_text", CURRENCY_HELP)
        super().__init__(min_length=3, max_length=3, **kwargs)
        self.widget.attrs.update({"autocapitalize": "characters", "size": "4"})

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        return value.upper() if isinstance(value, str) else value


class ProductForm(VersionedForm):
    name = forms.CharField(label="Name", max_length=200)
    code = forms.CharField(label="Code", max_length=40, required=False, help_text="Your own short code, e.g. CONS-SR.")
    category = forms.CharField(label="Category", max_length=100, required=False)
    unit = forms.ChoiceField(label="Sold by the", choices=Unit.choices, widget=FastSelect)
    recurrence = forms.ChoiceField(label="Billed", choices=Recurrence.choices, widget=FastSelect)
    pricing_strategy = forms.ChoiceField(label="Pricing strategy", choices=PricingStrategy.choices, widget=FastSelect)
    list_price = money_field("List price")
    unit_cost = money_field("Unit cost", required=False, help_text="What one unit costs us. Visible to executives, admins and account managers only.")
    currency = CurrencyField(initial="EUR")
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label="On sale (uncheck to hide it from new deals)", required=False, initial=True)

    def __init__(self, *args: Any, show_cost: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not show_cost:
            del self.fields["unit_cost"]

    @staticmethod
    def initial_for(product: Product) -> dict[str, Any]:
        names = ("name", "code", "category", "unit", "recurrence", "pricing_strategy", "list_price", "unit_cost",
                 "currency", "description", "is_active", "version")
        return {name: getattr(product, name) for name in names}

    def service_data(self) -> dict[str, Any]:
        data = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        if data.get("unit_cost") is None:
            data.pop("unit_cost", None)
        return data


class PriceListForm(VersionedForm):
    name = forms.CharField(label="Name", max_length=120, help_text="e.g. Public sector 2031")
    currency = CurrencyField(initial="EUR")
    valid_from = forms.DateField(label="Valid from", required=False, widget=DateInput)
    valid_until = forms.DateField(label="Valid until", required=False, widget=DateInput)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_active = forms.BooleanField(label="In use", required=False, initial=True)

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class PriceListItemForm(StyledForm):
    product = forms.ModelChoiceField(label="Product", queryset=Product.objects.none(), widget=FastSelect)
    unit_price = money_field("Unit price")

    def __init__(self, *args: Any, products: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if products is not None:
            self.fields["product"].queryset = products  # type: ignore[attr-defined]


class RateCardForm(VersionedForm):
    name = forms.CharField(label="Name", max_length=120)
    currency = CurrencyField(initial="EUR")
    is_default = forms.BooleanField(label="Default card (for accounts without one of their own)", required=False)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class RateCardLineForm(StyledForm):
    role_name = forms.CharField(label="Role", max_length=100, required=False, help_text="e.g. Senior consultant")
    person: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label="Or a person", queryset=None, required=False, widget=FastSelect)
    hourly_rate = money_field("Hourly rate")

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["person"].empty_label = "Nobody: a role rate"  # type: ignore[attr-defined]


class AccountPricingForm(VersionedForm):
    price_list: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label="Price list", queryset=None, required=False, widget=FastSelect)
    rate_card: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label="Rate card", queryset=None, required=False, widget=FastSelect)
    discount_percent = percent_field("Account-wide discount %", initial=Decimal(0))
    pricing_strategy = forms.ChoiceField(label="Preferred pricing strategy", required=False,
                                         choices=[("", "None"), *PricingStrategy.choices], widget=FastSelect)
    payment_terms_days = forms.IntegerField(label="Payment terms (days)", min_value=0, max_value=365, initial=30)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, price_lists: Any = None, rate_cards: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["price_list"].queryset = price_lists  # type: ignore[attr-defined]
        self.fields["price_list"].empty_label = "None: list prices"  # type: ignore[attr-defined]
        self.fields["rate_card"].queryset = rate_cards  # type: ignore[attr-defined]
        self.fields["rate_card"].empty_label = "The default rate card"  # type: ignore[attr-defined]
        if "version" in self.fields:
            self.fields["version"].required = False

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class AccountPriceForm(StyledForm):
    product: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label="Product", queryset=None, widget=FastSelect)
    unit_price = money_field("Negotiated unit price", required=False)
    discount_percent = percent_field("Discount %", required=False)
    currency = CurrencyField(required=False, help_text="Default: the account's currency.")
    valid_until = forms.DateField(label="Valid until", required=False, widget=DateInput)
    note = forms.CharField(label="Note", max_length=200, required=False)

    def __init__(self, *args: Any, products: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data.get("currency"):
            data.pop("currency", None)
        return data


class ExchangeRateForm(StyledForm):
    date = forms.DateField(label="From", widget=DateInput)
    currency = CurrencyField()
    rate = forms.DecimalField(label="Rate", min_value=Decimal("0.0000000001"), max_digits=20, decimal_places=10)


class RatesUploadForm(StyledForm):
    file = forms.FileField(label="CSV file", help_text="Columns date,currency,rate — e.g. 2031-01-31,USD,0.9215")

"""The forms of the opportunity pages: the opportunity, a line, losing it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from tandem.clients.models import Account
from tandem.commercial.models import (
    ForecastCategory,
    Opportunity,
    OpportunityType,
    PricingStrategy,
    Product,
    Stage,
)
from tandem.commercial.pricing import price_for
from tandem.core.forms import DateInput, VersionedForm
from tandem.people.models import User

OPPORTUNITY_FORM_FIELDS = (
    "name", "type", "amount", "currency", "expected_close_date", "owner", "next_step", "probability",
    "forecast_category", "pricing_strategy", "description",
)  # fmt: skip


class OpportunityForm(VersionedForm):
    """Create (with the account, unless the page came from one, and the first stage) or
    edit an opportunity. The amount is read-only once it comes from the lines."""

    account: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label="Account", queryset=Account.objects.none())
    name = forms.CharField(label="Name", max_length=200, help_text="What the client buys, e.g. “Phase 2 roll-out”.")
    type = forms.ChoiceField(label="Type", choices=OpportunityType.choices)
    stage: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label="Stage", queryset=Stage.objects.none(), required=False, empty_label=None)
    amount = forms.DecimalField(label="Amount", max_digits=16, decimal_places=2, min_value=0, required=False)
    currency = forms.CharField(label="Currency", max_length=3, min_length=3, help_text="Three letters, e.g. EUR.")
    expected_close_date = forms.DateField(label="Expected close", widget=DateInput)
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Owner", queryset=User.objects.none(), required=False, empty_label="The account manager"
    )
    probability = forms.IntegerField(label="Probability (%)", min_value=0, max_value=100, required=False,
                                     help_text="Leave empty for the stage's default.")
    forecast_category = forms.ChoiceField(label="Forecast category", choices=[("", "The stage's"), *ForecastCategory.choices], required=False)
    pricing_strategy = forms.ChoiceField(label="Pricing", choices=PricingStrategy.choices)
    next_step = forms.CharField(label="Next step", max_length=255, required=False)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self, *args: Any, accounts: Any = None, owners: Any, stages: Any = None, amount_locked: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if accounts is None:
            del self.fields["account"]
        else:
            self.fields["account"].queryset = accounts  # type: ignore[attr-defined]
        if stages is None:
            del self.fields["stage"]
        else:
            self.fields["stage"].queryset = stages  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda user: user.full_name or user.email  # type: ignore[attr-defined]
        if amount_locked:
            self.fields["amount"].disabled = True
            self.fields["amount"].help_text = "The sum of the lines: change the lines to change it."

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).upper()

    def service_data(self, *, editing: bool) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in OPPORTUNITY_FORM_FIELDS if name in self.cleaned_data}
        for name in ("probability", "forecast_category"):
            if data.get(name) in (None, ""):
                data.pop(name, None)
        if data.get("amount") is None or self.fields["amount"].disabled:
            data.pop("amount", None)
        if data.get("owner") is None and editing:
            data.pop("owner")
        return data


class LineForm(VersionedForm):
    """A line: a product from the catalog (its price fills the unit price left empty) or
    a description; quantity, unit price, discount."""

    product = forms.ModelChoiceField(label="Product", queryset=Product.objects.none(), required=False, empty_label="No product")
    description = forms.CharField(label="Description", max_length=200, required=False)
    quantity = forms.DecimalField(label="Quantity", max_digits=12, decimal_places=2, min_value=Decimal("0.01"), initial=1)
    unit_price = forms.DecimalField(label="Unit price", max_digits=16, decimal_places=2, min_value=0, required=False,
                                    help_text="Empty: the product's price.")
    discount_percent = forms.DecimalField(label="Discount %", max_digits=5, decimal_places=2, min_value=0, max_value=100,
                                          initial=0, required=False)

    def __init__(self, *args: Any, products: Any, opportunity: Opportunity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.opportunity = opportunity
        self.fields["product"].queryset = products  # type: ignore[attr-defined]
        self.fields["product"].widget.attrs["data-line-product"] = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        product = data.get("product")
        if data.get("unit_price") is None:
            if product is None:
                self.add_error("unit_price", "Give the unit price, or choose a product.")
            else:
                # The price that applies to this account (negotiated price, its price
                # list, else the list price) and its discount, unless one was typed.
                applied = price_for(account=self.opportunity.account, product=product)
                if applied.currency != self.opportunity.currency:
                    self.add_error(
                        "unit_price",
                        f"{product} is priced in {applied.currency} and this opportunity is in "
                        f"{self.opportunity.currency}: give the unit price.",
                    )
                else:
                    data["unit_price"] = applied.unit_price
                    if data.get("discount_percent") is None:
                        data["discount_percent"] = applied.discount_percent
        if not data.get("description") and product is None:
            self.add_error("description", "Describe the line or choose a product.")
        if data.get("discount_percent") is None:
            data["discount_percent"] = Decimal(0)
        return data

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in ("product", "description", "quantity", "unit_price", "discount_percent")}
        if not data["description"]:
            data.pop("description")
        return data


class LoseForm(VersionedForm):
    lost_reason = forms.CharField(label="Why was it lost?", max_length=200, help_text="E.g. “Price”, “Chose a competitor”, “No budget this year”.")


class MoveForm(forms.Form):
    """A board move: the stage, the version read, a reason when the stage is lost."""

    stage = forms.ModelChoiceField(queryset=Stage.objects.filter(is_active=True))
    version = forms.IntegerField(min_value=1)
    lost_reason = forms.CharField(max_length=200, required=False)

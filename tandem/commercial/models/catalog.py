"""The catalog and pricing: products and services, price lists, each account's
negotiated terms, rate cards for time-and-materials work, and exchange rates.

The price that applies to an account (``tandem.commercial.pricing``): the account's own
price for the product, else its price list's, else the product's list price; then the
account's discount (its own for the product, else its account-wide one)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from tandem.commercial.models.fields import currency, money, percent
from tandem.core.models import BusinessModel

USER = settings.AUTH_USER_MODEL


class PricingStrategy(models.TextChoices):
    FIXED_FEE = "fixed_fee", "Fixed fee"
    TIME_AND_MATERIALS = "time_and_materials", "Time and materials"
    RETAINER = "retainer", "Retainer"
    SUBSCRIPTION = "subscription", "Subscription"


class Unit(models.TextChoices):
    HOUR = "hour", "Hour"
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    SEAT = "seat", "Seat"
    UNIT = "unit", "Unit"
    PROJECT = "project", "Project"


class Recurrence(models.TextChoices):
    ONE_OFF = "one_off", "One-off"
    MONTHLY = "monthly", "Monthly"
    YEARLY = "yearly", "Yearly"


class Product(BusinessModel):
    """A product or service we sell. ``unit_cost`` is restricted (cost and margin are
    visible only to executives, admins and the owning account manager)."""

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=40, blank=True, help_text="Your own short code, e.g. CONS-SR.")
    category = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=16, choices=Unit.choices, default=Unit.UNIT)
    recurrence = models.CharField(max_length=16, choices=Recurrence.choices, default=Recurrence.ONE_OFF)
    pricing_strategy = models.CharField(
        max_length=24, choices=PricingStrategy.choices, default=PricingStrategy.FIXED_FEE
    )
    list_price = money("list price", default=0)
    unit_cost = money("unit cost", default=0)
    currency = currency()
    is_active = models.BooleanField(default=True)

    audit_money_fields: ClassVar[dict[str, str]] = {"list_price": "currency", "unit_cost": "currency"}

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="product_code_unique"),
            models.CheckConstraint(condition=Q(list_price__gte=0) & Q(unit_cost__gte=0), name="product_prices_positive"),
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="product_name_idx"),
            models.Index(Lower("name"), name="product_name_lower_idx"),
            models.Index(fields=["category", "name", "id"], name="product_category_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class PriceList(BusinessModel):
    """A named set of prices in one currency (e.g. "Public sector 2026")."""

    name = models.CharField(max_length=120, unique=True)
    currency = currency()
    description = models.TextField(blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class PriceListItem(BusinessModel):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_list_items")
    unit_price = money("unit price")


    class Meta:
        ordering = ["price_list", "product__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], name="price_list_item_unique"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="price_list_item_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product} in {self.price_list}"


class RateCard(BusinessModel):
    """Hourly rates for time-and-materials work, by role or by person."""

    name = models.CharField(max_length=120, unique=True)
    currency = currency()
    is_default = models.BooleanField(default=False, help_text="Used for accounts that have no rate card of their own.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="rate_card_one_default"),
        ]

    def __str__(self) -> str:
        return self.name


class RateCardLine(BusinessModel):
    """One hourly rate: for a person (``person`` set) or for a role name (e.g. "Senior
    consultant"). A person's line wins over their role's."""

    rate_card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="lines")
    role_name = models.CharField(max_length=100, blank=True)
    person = models.ForeignKey(USER, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    hourly_rate = money("hourly rate")


    class Meta:
        ordering = ["rate_card", "role_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(role_name="")) | (Q(person__isnull=True) & ~Q(role_name="")),
                name="rate_card_line_role_or_person",
            ),
            models.UniqueConstraint(
                fields=["rate_card", "role_name"], condition=Q(person__isnull=True), name="rate_card_line_role_unique"
            ),
            models.UniqueConstraint(
                fields=["rate_card", "person"], condition=Q(person__isnull=False), name="rate_card_line_person_unique"
            ),
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="rate_card_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.role_name or self.person} at {self.hourly_rate}/h"


class AccountPricing(BusinessModel):
    """An account's commercial terms: its price list, rate card, account-wide discount
    and preferred pricing strategy (one row per account, created when first set)."""

    account = models.OneToOneField("clients.Account", on_delete=models.CASCADE, related_name="pricing")
    price_list = models.ForeignKey(PriceList, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rate_card = models.ForeignKey(RateCard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    discount_percent = percent("account-wide discount %")
    pricing_strategy = models.CharField(max_length=24, choices=PricingStrategy.choices, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    notes = models.TextField(blank=True)


    class Meta:
        ordering = ["account", "id"]
        verbose_name_plural = "account pricing"

    def __str__(self) -> str:
        return f"Pricing of {self.account}"


class AccountPrice(BusinessModel):
    """A price negotiated with one account for one product: a fixed unit price, a
    discount on the price that would otherwise apply, or both (price first)."""

    account = models.ForeignKey("clients.Account", on_delete=models.CASCADE, related_name="negotiated_prices")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="account_prices")
    unit_price = money("negotiated unit price", null=True, blank=True)
    discount_percent = percent("discount %", null=True, blank=True)
    currency = currency()
    valid_until = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    audit_money_fields: ClassVar[dict[str, str]] = {"unit_price": "currency"}

    class Meta:
        ordering = ["account", "product__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "product"], name="account_price_unique"),
            models.CheckConstraint(
                condition=Q(unit_price__isnull=False) | Q(discount_percent__isnull=False),
                name="account_price_price_or_discount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} for {self.account}"


class ExchangeRate(BusinessModel):
    """``rate`` units of the base currency buy one unit of ``currency`` from ``date``
    on (until the next rate). An amount converts at the latest rate on or before its
    date; a date after the last rate uses the last rate known."""

    date = models.DateField()
    currency = currency(default=None)
    rate = models.DecimalField(max_digits=20, decimal_places=10)

    class Meta:
        ordering = ["-date", "currency", "id"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="exchange_rate_unique"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} on {self.date}"

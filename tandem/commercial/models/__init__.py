"""Commercial: the catalog and pricing, currencies, the upsell / cross-sell / renewal
pipeline, quotes, contracts with their negotiation rounds, revenue, budgets and
expenses. Every amount carries its currency; reports convert to the organisation's
base currency (``people.OrganisationCalendar.currency``) at the exchange rate on or
before the amount's date (``tandem.commercial.currency``)."""

from tandem.commercial.models.catalog import (
    AccountPrice,
    AccountPricing,
    ExchangeRate,
    PriceList,
    PriceListItem,
    PricingStrategy,
    Product,
    RateCard,
    RateCardLine,
    Recurrence,
    Unit,
)
from tandem.commercial.models.contracts import (
    BillingMilestone,
    Contract,
    ContractKind,
    ContractStatus,
    NegotiationRound,
    Party,
    RoundOutcome,
)
from tandem.commercial.models.forecast_sums import (
    OPEN_ENDED,
    ContractedSum,
    ForecastMonthSum,
    ForecastSumKind,
)
from tandem.commercial.models.money import Budget, Expense, RevenueEntry, RevenueKind
from tandem.commercial.models.pipeline import (
    ForecastCategory,
    Opportunity,
    OpportunityLine,
    OpportunityStatus,
    OpportunityType,
    ProjectRequest,
    ProjectRequestStatus,
    Quote,
    QuoteLine,
    QuoteStatus,
    Stage,
    StageOutcome,
)

__all__ = [
    "OPEN_ENDED",
    "AccountPrice",
    "AccountPricing",
    "BillingMilestone",
    "Budget",
    "Contract",
    "ContractKind",
    "ContractStatus",
    "ContractedSum",
    "ExchangeRate",
    "Expense",
    "ForecastCategory",
    "ForecastMonthSum",
    "ForecastSumKind",
    "NegotiationRound",
    "Opportunity",
    "OpportunityLine",
    "OpportunityStatus",
    "OpportunityType",
    "Party",
    "PriceList",
    "PriceListItem",
    "PricingStrategy",
    "Product",
    "ProjectRequest",
    "ProjectRequestStatus",
    "Quote",
    "QuoteLine",
    "QuoteStatus",
    "RateCard",
    "RateCardLine",
    "Recurrence",
    "RevenueEntry",
    "RevenueKind",
    "RoundOutcome",
    "Stage",
    "StageOutcome",
    "Unit",
]

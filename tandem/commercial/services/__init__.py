"""Writes of commercial data (STYLE rule 1), one module per area.

The package exports only services, ``<entity>_<verb>(*, actor, …)``: permission-checked,
audited, the one way pages, the API, imports, jobs and the demo write commercial records.
Helpers stay in their modules and are not exported.
"""

from tandem.commercial.services.budgets import (
    budget_create,
    budget_delete,
    budget_update,
)
from tandem.commercial.services.catalog import (
    account_price_create,
    account_price_delete,
    account_price_update,
    account_pricing_update,
    price_list_create,
    price_list_delete,
    price_list_item_create,
    price_list_item_delete,
    price_list_item_update,
    price_list_update,
    product_create,
    product_delete,
    product_update,
    rate_card_create,
    rate_card_delete,
    rate_card_line_create,
    rate_card_line_delete,
    rate_card_line_update,
    rate_card_update,
)
from tandem.commercial.services.expenses import (
    expense_create,
    expense_delete,
    expense_update,
)
from tandem.commercial.services.imports import (
    opportunities_import,
)
from tandem.commercial.services.opportunities import (
    opportunity_create,
    opportunity_delete,
    opportunity_line_create,
    opportunity_line_delete,
    opportunity_line_update,
    opportunity_mark_lost,
    opportunity_mark_won,
    opportunity_move,
    opportunity_update,
)
from tandem.commercial.services.quotes import (
    quote_accept,
    quote_create,
    quote_decline,
    quote_revise,
    quote_send,
)
from tandem.commercial.services.rates import (
    exchange_rate_create,
    exchange_rate_delete,
    exchange_rate_update,
    exchange_rates_import,
)
from tandem.commercial.services.revenue import (
    revenue_entry_create,
    revenue_entry_delete,
    revenue_entry_update,
    revenue_time_record,
)

__all__ = [
    "account_price_create",
    "account_price_delete",
    "account_price_update",
    "account_pricing_update",
    "budget_create",
    "budget_delete",
    "budget_update",
    "exchange_rate_create",
    "exchange_rate_delete",
    "exchange_rate_update",
    "exchange_rates_import",
    "expense_create",
    "expense_delete",
    "expense_update",
    "opportunities_import",
    "opportunity_create",
    "opportunity_delete",
    "opportunity_line_create",
    "opportunity_line_delete",
    "opportunity_line_update",
    "opportunity_mark_lost",
    "opportunity_mark_won",
    "opportunity_move",
    "opportunity_update",
    "price_list_create",
    "price_list_delete",
    "price_list_item_create",
    "price_list_item_delete",
    "price_list_item_update",
    "price_list_update",
    "product_create",
    "product_delete",
    "product_update",
    "quote_accept",
    "quote_create",
    "quote_decline",
    "quote_revise",
    "quote_send",
    "rate_card_create",
    "rate_card_delete",
    "rate_card_line_create",
    "rate_card_line_delete",
    "rate_card_line_update",
    "rate_card_update",
    "revenue_entry_create",
    "revenue_entry_delete",
    "revenue_entry_update",
    "revenue_time_record",
]

# --- pipeline: stages ---------------------------------------------------------------------
from tandem.commercial.services.stages import stage_create, stage_delete, stage_update

__all__ += ["stage_create", "stage_delete", "stage_update"]

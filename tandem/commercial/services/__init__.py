"""Writes of commercial data (STYLE rule 1), one module per area.

The package exports only services, ``<entity>_<verb>(*, actor, …)``: permission-checked,
audited, the one way pages, the API, imports, jobs and the demo write commercial records.
Helpers stay in their modules and are not exported.
"""

from tandem.commercial.services.contracts import (
    billing_milestone_bill,
    billing_milestone_create,
    billing_milestone_delete,
    billing_milestone_update,
    contract_activate,
    contract_auto_renew,
    contract_create,
    contract_expire,
    contract_start_negotiation,
    contract_terminate,
    contract_update,
    negotiation_round_create,
    negotiation_round_update,
    revenue_recurring_generate,
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
from tandem.commercial.services.project_requests import (
    opportunity_convert,
    project_request_accept,
    project_request_create,
    project_request_decline,
    project_request_update,
)

__all__ = [
    "billing_milestone_bill",
    "billing_milestone_create",
    "billing_milestone_delete",
    "billing_milestone_update",
    "contract_activate",
    "contract_auto_renew",
    "contract_create",
    "contract_expire",
    "contract_start_negotiation",
    "contract_terminate",
    "contract_update",
    "negotiation_round_create",
    "negotiation_round_update",
    "opportunity_convert",
    "opportunity_create",
    "opportunity_delete",
    "opportunity_line_create",
    "opportunity_line_delete",
    "opportunity_line_update",
    "opportunity_mark_lost",
    "opportunity_mark_won",
    "opportunity_move",
    "opportunity_update",
    "project_request_accept",
    "project_request_create",
    "project_request_decline",
    "project_request_update",
    "revenue_recurring_generate",
]

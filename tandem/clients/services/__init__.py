"""Writes of client data (STYLE rule 1), one module per area."""

from tandem.clients.services.accounts import (
    REASSIGN_MAX,
    account_create,
    account_delete,
    account_item_create,
    account_item_delete,
    account_item_update,
    account_set_lifecycle,
    account_update,
    accounts_reassign,
    accounts_recompute_check_in,
    normalise_domain,
)
from tandem.clients.services.contacts import (
    contact_create,
    contact_delete,
    contact_move,
    contact_update,
)
from tandem.clients.services.feedback import feedback_create, feedback_delete, feedback_update
from tandem.clients.services.inquiries import (
    inquiry_assign,
    inquiry_create,
    inquiry_record_first_response,
    inquiry_reopen,
    inquiry_resolve,
    inquiry_respond,
    inquiry_update,
)
from tandem.clients.services.interactions import (
    account_refresh_last_contact,
    follow_up_complete,
    follow_up_create,
    follow_up_reopen,
    interaction_create,
    interaction_delete,
    interaction_update,
)
from tandem.clients.services.rules import cadence_rule_update, sla_rule_update

__all__ = [
    "REASSIGN_MAX",
    "account_create",
    "account_delete",
    "account_item_create",
    "account_item_delete",
    "account_item_update",
    "account_refresh_last_contact",
    "account_set_lifecycle",
    "account_update",
    "accounts_reassign",
    "accounts_recompute_check_in",
    "cadence_rule_update",
    "contact_create",
    "contact_delete",
    "contact_move",
    "contact_update",
    "feedback_create",
    "feedback_delete",
    "feedback_update",
    "follow_up_complete",
    "follow_up_create",
    "follow_up_reopen",
    "inquiry_assign",
    "inquiry_create",
    "inquiry_record_first_response",
    "inquiry_reopen",
    "inquiry_resolve",
    "inquiry_respond",
    "inquiry_update",
    "interaction_create",
    "interaction_delete",
    "interaction_update",
    "normalise_domain",
    "sla_rule_update",
]

"""Writes of client data (STYLE rule 1), one module per area.

The package exports only services, ``<entity>_<verb>(*, actor, …)``: permission-checked,
audited, the one way pages, the API, imports and the demo write client records. Helpers
stay in their modules (a leading underscore when only that module uses them; the
modules ``_*.py`` hold those shared inside the package) and are not exported.
"""

from tandem.clients.services.accounts import (
    account_create,
    account_delete,
    account_item_create,
    account_item_delete,
    account_item_update,
    account_set_lifecycle,
    account_update,
    accounts_reassign,
)
from tandem.clients.services.contacts import (
    contact_create,
    contact_delete,
    contact_move,
    contact_update,
)
from tandem.clients.services.feedback import feedback_create, feedback_delete, feedback_update
from tandem.clients.services.imports import accounts_import, contacts_import
from tandem.clients.services.inquiries import (
    inquiry_assign,
    inquiry_create,
    inquiry_reopen,
    inquiry_resolve,
    inquiry_respond,
    inquiry_update,
)
from tandem.clients.services.interactions import (
    follow_up_complete,
    follow_up_create,
    follow_up_reopen,
    interaction_create,
    interaction_delete,
    interaction_update,
)
from tandem.clients.services.rules import cadence_rule_update, sla_rule_update

__all__ = [
    "account_create",
    "account_delete",
    "account_item_create",
    "account_item_delete",
    "account_item_update",
    "account_set_lifecycle",
    "account_update",
    "accounts_import",
    "accounts_reassign",
    "cadence_rule_update",
    "contact_create",
    "contact_delete",
    "contact_move",
    "contact_update",
    "contacts_import",
    "feedback_create",
    "feedback_delete",
    "feedback_update",
    "follow_up_complete",
    "follow_up_create",
    "follow_up_reopen",
    "inquiry_assign",
    "inquiry_create",
    "inquiry_reopen",
    "inquiry_resolve",
    "inquiry_respond",
    "inquiry_update",
    "interaction_create",
    "interaction_delete",
    "interaction_update",
    "sla_rule_update",
]

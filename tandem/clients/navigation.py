"""The client desk's entries in the sidebar (registered from ``ClientsConfig.ready()``)."""

from __future__ import annotations

from tandem.core import registry
from tandem.core.permissions import has_role, is_admin
from tandem.core.roles import Role


def client_desk(user: object) -> bool:
    """Admins, executives and account managers work with the client book."""
    return is_admin(user) or has_role(user, Role.EXECUTIVE, Role.ACCOUNT_MANAGER)


registry.nav_entry(area="clients", label="Accounts", url_name="clients:account_list", icon="building", order=10, visible=client_desk)
registry.nav_entry(area="clients", label="Contacts", url_name="clients:contact_list", icon="address-book", order=20, visible=client_desk)
registry.nav_entry(
    area="clients", label="Interactions", url_name="clients:interaction_list", icon="messages", order=30, visible=client_desk
)
# Everyone: anyone can be made the assignee of an inquiry, and then answers it from the
# queue (project managers and members see only the inquiries assigned to them).
registry.nav_entry(area="clients", label="Inquiries", url_name="clients:inquiry_queue", icon="inbox", order=40)
# Everyone: a follow-up may be given to anyone, who then closes it from this list.
registry.nav_entry(area="clients", label="Follow-ups", url_name="clients:follow_up_list", icon="checklist", order=45)
registry.nav_entry(
    area="clients", label="Needs attention", url_name="clients:attention", icon="alert-triangle", order=50, visible=client_desk
)
registry.settings_page(
    label="Service levels", url_name="clients:service_levels", icon="clock-hour-4", order=20, visible=client_desk
)

"""People's entries in the sidebar and the user menu (registered from
``PeopleConfig.ready()``)."""

from __future__ import annotations

from typing import Any

from tandem.core import registry
from tandem.core.permissions import is_admin

# Everyone has colleagues and belongs to teams: the directory is open to every role.
registry.nav_entry(area="delivery", label="People", url_name="people:user_list", icon="users", order=10)
registry.nav_entry(area="delivery", label="Teams", url_name="people:team_list", icon="users-group", order=20)

registry.settings_page(label="Working calendar", url_name="people:calendar", icon="calendar", order=10)
registry.settings_page(
    label="Sign-in activity", url_name="people:sign_in_activity", icon="login", order=30, visible=is_admin
)
registry.settings_page(label="Admin", url_name="admin:index", icon="tool", order=90, visible=is_admin)


def _own_person(user: Any) -> dict[str, Any]:
    return {"user_id": user.pk}


registry.user_menu_entry(label="Profile", url_name="people:user_detail", icon="user", order=10, url_kwargs=_own_person)
registry.user_menu_entry(label="API tokens", url_name="people:token_list", icon="key", order=20)
registry.user_menu_entry(label="Change password", url_name="password_change", icon="lock", order=30)


"""People pages: users, teams, the organisation calendar, time off and access tokens.

Each view parses its input, calls one selector or service, and renders (STYLE rule 3).
Objects come through the permission-checked fetchers, so an object the user may not
see raises ``NotFoundError`` (404) and a visible one they may not change raises
``PermissionDeniedError`` (403); ``tandem.core.web.DomainErrorMiddleware`` turns both
into pages. Writes accept POST only. Pages that change one row in place (revoke a token,
delete a holiday or time off) answer HTMX requests with that row only; without
JavaScript the same forms post and redirect.

One module per area: ``lists`` (the directory and the team list, declared with
:mod:`tandem.core.lists`), ``users`` (a person's page, adding and editing people, time
off), ``teams``, ``calendar`` (the organisation calendar and holidays), ``tokens``.
"""

from tandem.people.views.calendar import calendar, calendar_edit, holiday_create, holiday_delete
from tandem.people.views.lists import team_list, user_list
from tandem.people.views.teams import team_create, team_delete, team_detail, team_edit
from tandem.people.views.tokens import token_create, token_list, token_revoke
from tandem.people.views.users import (
    time_off_create,
    time_off_delete,
    user_create,
    user_detail,
    user_edit,
)

__all__ = [
    "calendar", "calendar_edit", "holiday_create", "holiday_delete", "team_create", "team_delete", "team_detail",
    "team_edit", "team_list", "time_off_create", "time_off_delete", "token_create", "token_list", "token_revoke",
    "user_create", "user_detail", "user_edit", "user_list",
]

"""What ``core`` asks people for without importing it (registered from
``PeopleConfig.ready()``): the organisation's time zone, for the daily-job scheduler, and
the check of an API bearer token."""

from __future__ import annotations

from tandem.core import registry
from tandem.people.selectors import calendar_get
from tandem.people.services import token_authenticate


@registry.calendar_provider
def organisation_time_zone() -> str:
    return calendar_get().time_zone


registry.token_authenticator(token_authenticate)

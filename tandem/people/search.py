"""People in the global search (tandem.core.search): found by name, e-mail and job title.

The index entry is kept by the people services (``user_create`` / ``user_update`` call
``search.index_object``); a hit's subtitle (title and team) is read live, so a renamed
team shows at once.
"""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from tandem.core import search
from tandem.people.models import User


def _person(user: Any) -> Any:
    return getattr(user, "person", None)


def _subtitle(user: Any) -> str:
    person = _person(user)
    if person is None:
        return user.email
    team = person.team.name if person.team_id else ""
    return " · ".join(filter(None, [person.title, team])) or user.email


def _text(user: Any) -> str:
    person = _person(user)
    # PostgreSQL's parser keeps an e-mail address as one token; its parts are added so
    # "jane@acme" (two words) finds it on both databases.
    email_words = re.sub(r"[@.+_-]+", " ", user.email)
    return " ".join(filter(None, [user.email, email_words, person.title if person is not None else ""]))


search.register(
    User,
    label="Person",
    title=lambda user: user.full_name or user.email,
    subtitle=_subtitle,
    text=_text,
    url=lambda user: reverse("people:user_detail", kwargs={"user_id": user.pk}),
    select_related=("person", "person__team"),
)

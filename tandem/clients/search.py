"""Client record types in the global search (tandem.core.search)."""

from __future__ import annotations

from django.urls import reverse

from tandem.clients.models import Account, Contact
from tandem.core import search

search.register(
    Account,
    label="Account",
    title=lambda account: account.name,
    subtitle=lambda account: " · ".join(filter(None, [account.get_lifecycle_display(), account.city, account.domain])),
    text=lambda account: " ".join(filter(None, [account.domain, account.industry, account.city, account.country])),
    url=lambda account: reverse("clients:account_detail", args=[account.pk]),
)
search.register(
    Contact,
    label="Contact",
    title=lambda contact: contact.full_name,
    subtitle=lambda contact: " · ".join(filter(None, [contact.job_title, contact.account.name])),
    text=lambda contact: " ".join(filter(None, [contact.email, contact.job_title, contact.account.name])),
    url=lambda contact: reverse("clients:contact_detail", args=[contact.pk]),
    select_related=("account",),
)

"""A list's total reads as English: "1 inquiry", "2 inquiries", "1 account"."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from tandem.clients.views.lists import AccountList, InquiryQueue
from tandem.commercial.views.revenue import RevenueList
from tandem.people.views.lists import UserList


def test_the_noun_for_one_row() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    inquiries = InquiryQueue(request)
    assert [inquiries.noun_for(total) for total in (0, 1, 2)] == ["inquiries", "inquiry", "inquiries"]
    assert AccountList(request).noun_for(1) == "account"
    assert RevenueList(request).noun_for(1) == "revenue entry"
    assert UserList(request).noun_for(1) == "person"

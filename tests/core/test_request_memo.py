"""The per-request memo: one read per request, none kept outside a request, forgotten
after the write that changes it."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from tandem.commercial.currency import base_currency
from tandem.core.request_memo import RequestMemoMiddleware, forget, memo
from tandem.people.selectors import calendar_get
from tandem.people.services import calendar_update

pytestmark = pytest.mark.django_db


def test_outside_a_request_nothing_is_kept():
    calls = []
    assert memo("k", lambda: calls.append(1) or len(calls)) == 1
    assert memo("k", lambda: calls.append(1) or len(calls)) == 2


def test_within_a_request_a_value_is_computed_once_until_forgotten(django_assert_num_queries, users_by_role):
    from tandem.core.roles import Role

    admin = users_by_role[Role.ADMIN]
    calendar_get()  # the row exists (its first read creates it)
    seen: list[str] = []

    def view(request):
        calls = []
        seen.append(str(memo("k", lambda: calls.append(1) or len(calls))))
        seen.append(str(memo("k", lambda: calls.append(1) or len(calls))))
        forget("k")
        seen.append(str(memo("k", lambda: calls.append(1) or len(calls))))
        with django_assert_num_queries(1):
            first = base_currency()
            assert base_currency() == first  # read once
        calendar_update(actor=admin, calendar=calendar_get(), data={"currency": "USD"})
        seen.append(base_currency())  # the write forgot it: the new one
        return HttpResponse()

    RequestMemoMiddleware(view)(RequestFactory().get("/"))
    assert seen == ["1", "1", "2", "USD"]
    calendar_update(actor=admin, calendar=calendar_get(), data={"currency": "EUR"})
    assert base_currency() == "EUR"

"""Permission scopes are built once per process: ``scoped`` keeps the scope of a model
for the user as the policies see them (who, roles, administrator, team), and the
subqueries that several lists filter by (``visible_ids``, the account owners an account
manager sees) are compiled to SQL once. The rows are those of the scope built afresh; a
user seen differently gets a scope of their own; a scope that matches nothing still
runs no query."""

from __future__ import annotations

import pytest
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.test import RequestFactory

from tandem.clients.models import Account
from tandem.clients.policies import account_owner_ids
from tandem.core import home, permissions
from tandem.core.permissions import (
    compiled_subquery,
    forget_scopes,
    policy_for,
    scoped,
    visible_ids,
)
from tandem.core.request_memo import RequestMemoMiddleware
from tandem.core.roles import Role
from tandem.people.models import User
from tests.clients.factories import make_account
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db


def _in_request(view):
    """Run ``view()`` inside a request's memo and return what it returned."""
    result = []
    RequestMemoMiddleware(lambda request: result.append(view()) or HttpResponse())(RequestFactory().get("/"))
    return result[0]


@pytest.fixture
def book(team):
    """An account manager of ``team``, a colleague of the same team, another team's manager,
    one account each."""
    manager = make_user(role=Role.ACCOUNT_MANAGER, team=team)
    colleague = make_user(role=Role.ACCOUNT_MANAGER, team=team)
    stranger = make_user(role=Role.ACCOUNT_MANAGER, team=make_team(name="Elsewhere"))
    accounts = {user.pk: make_account(owner=user) for user in (manager, colleague, stranger)}
    return manager, colleague, stranger, accounts


def test_a_scope_is_built_once_per_process_and_gives_the_same_rows(book, monkeypatch):
    manager, colleague, _stranger, accounts = book
    policy = policy_for(Account)
    built: list[bool] = []
    original = policy.count_scope

    def counting(user, queryset):
        built.append(True)
        return original(user, queryset)

    monkeypatch.setattr(policy, "count_scope", counting)

    def view():
        first, second = scoped(manager, Account, for_count=True), scoped(manager, Account, for_count=True)
        assert first is not second  # each caller gets its own copy to narrow
        first_ids = set(first.values_list("pk", flat=True))
        second_ids = set(second.filter(owner=colleague).values_list("pk", flat=True))
        return first_ids, second_ids

    first_ids, second_ids = _in_request(view)
    assert built == [True]
    assert first_ids == {accounts[manager.pk].pk, accounts[colleague.pk].pk}
    assert second_ids == {accounts[colleague.pk].pk}
    # The next request, and a job outside any request, reuse it: the rows are read afresh.
    newcomer = make_account(owner=colleague)
    assert _in_request(lambda: set(scoped(manager, Account, for_count=True).values_list("pk", flat=True))) == (
        first_ids | {newcomer.pk}
    )
    assert set(scoped(manager, Account, for_count=True).values_list("pk", flat=True)) == first_ids | {newcomer.pk}
    assert built == [True]
    # The other shape, and a scope forgotten, are built again.
    scoped(manager, Account)
    forget_scopes()
    scoped(manager, Account, for_count=True)
    assert built == [True, True]


def test_the_kept_scopes_are_bounded_most_recently_used_first(book, monkeypatch):
    manager, colleague, stranger, _accounts = book
    monkeypatch.setattr(permissions, "SCOPE_CACHE_SIZE", 2)
    for user in (manager, colleague, stranger):
        scoped(user, Account)
    kept = list(permissions._SCOPES)
    assert len(kept) == 2
    assert [key.split(":")[3] for key in kept] == [str(colleague.pk), str(stranger.pk)]
    scoped(colleague, Account)  # used again: now the most recent, the stranger's goes next
    scoped(manager, Account)
    assert [key.split(":")[3] for key in permissions._SCOPES] == [str(colleague.pk), str(manager.pk)]


def test_a_user_seen_differently_gets_a_scope_of_their_own(book):
    manager, colleague, stranger, accounts = book

    def view():
        before = set(scoped(manager, Account).values_list("pk", flat=True))
        manager.person.team_id = stranger.person.team_id  # moved to the other team in this request
        moved = set(scoped(manager, Account).values_list("pk", flat=True))
        manager._roles_cache = frozenset({Role.EXECUTIVE})  # and now reads everything
        everything = set(scoped(manager, Account).values_list("pk", flat=True))
        return before, moved, everything

    before, moved, everything = _in_request(view)
    assert before == {accounts[manager.pk].pk, accounts[colleague.pk].pk}
    assert moved == {accounts[manager.pk].pk, accounts[stranger.pk].pk}
    assert everything == set(Account.objects.values_list("pk", flat=True))


def test_shared_subqueries_are_compiled_once_and_read_afresh(book, django_assert_num_queries):
    manager, colleague, _stranger, accounts = book

    def view():
        owners = account_owner_ids(manager)
        assert isinstance(owners, RawSQL) and account_owner_ids(manager) is owners
        mine = Account.objects.filter(owner_id__in=owners)
        before = set(mine.values_list("pk", flat=True))
        newcomer = make_account(owner=colleague)  # written after the subquery was compiled
        after = set(mine.values_list("pk", flat=True))
        visible = visible_ids(manager, Account)
        assert visible_ids(manager, Account) is visible
        through_visible = set(Account.objects.filter(pk__in=visible).values_list("pk", flat=True))
        return before, after, newcomer, through_visible

    before, after, newcomer, through_visible = _in_request(view)
    assert before == {accounts[manager.pk].pk, accounts[colleague.pk].pk}
    assert after == before | {newcomer.pk}
    assert through_visible == after


def test_a_subquery_that_matches_nothing_stays_a_queryset(member, django_assert_num_queries):
    nothing = User.objects.none().values("pk")
    assert compiled_subquery(nothing) is nothing
    with django_assert_num_queries(0):
        assert list(User.objects.filter(pk__in=compiled_subquery(nothing))) == []


def test_home_counts_read_only_the_ids_whatever_the_list_selects(member, django_assert_num_queries):
    """The count of a list with related rows, an order and a slice of columns reads the
    same rows as ``values("pk")`` of it."""
    team_mates = User.objects.select_related("person").order_by("-email").filter(person__team_id=member.person.team_id)
    expected = team_mates.count()
    with django_assert_num_queries(1):
        counts = home.capped_counts({"mates": team_mates, "all": User.objects.order_by("email")}, cap=1000)
    assert counts == {"mates": expected, "all": User.objects.count()}
    query = home._ids_query(team_mates, 5)
    sql = str(query)
    assert "ORDER BY" not in sql and "people_person.team_id" not in sql.split("FROM")[0]
    assert query.low_mark == 0 and query.high_mark == 5

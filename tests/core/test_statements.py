"""Statements compiled once per process (``tandem.core.statements``): the same rows as
the selector's queryset, the SQL built only the first time, the values of each call
bound afresh, and a statement whose parameters are not its values refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count

from tandem.core import statements
from tandem.core.models import Notification
from tandem.core.notifications import notification_list, notification_unread_count
from tandem.core.statements import StatementError, compiled_sql, run_once_compiled
from tandem.people.models import OrganisationCalendar, User
from tandem.people.selectors import calendar_currency, calendar_get
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_statements():
    statements.forget_statements()
    yield
    statements.forget_statements()


def _notify(user: User, count: int, *, read: bool = False) -> None:
    start = Notification.objects.filter(recipient=user).count()
    for index in range(start, start + count):
        Notification.objects.create(
            recipient=user, kind="test", key=f"note-{index}", title=f"Note {index}",
            read_at="2026-01-01T00:00:00Z" if read else None,
        )


def test_a_statement_is_built_once_and_run_with_each_calls_values(member, django_assert_num_queries):
    other = make_user()
    built: list[int] = []

    def build_for(user: User):
        def build():
            built.append(user.pk)
            return compiled_sql(User.objects.filter(pk=user.pk).values("email"))

        return build

    with django_assert_num_queries(1):
        assert run_once_compiled("test.email", (member.pk,), build_for(member)) == [(member.email,)]
    with django_assert_num_queries(1):
        assert run_once_compiled("test.email", (other.pk,), build_for(other)) == [(other.email,)]
    assert built == [member.pk]


def test_a_statement_whose_parameters_are_not_its_values_is_refused(member):
    with pytest.raises(StatementError, match="are not the values"):
        run_once_compiled("test.mismatch", (member.pk,), lambda: compiled_sql(User.objects.filter(pk=member.pk + 1)))
    with pytest.raises(StatementError, match="numbers, strings or dates"):
        run_once_compiled("test.none", (None,), lambda: compiled_sql(User.objects.filter(pk=None)))  # type: ignore[arg-type]
    # Nothing was kept: a right build for the same name still runs.
    rows = run_once_compiled("test.mismatch", (member.pk,), lambda: compiled_sql(User.objects.filter(pk=member.pk).values("pk")))
    assert rows == [(member.pk,)]


def test_the_unread_badge_counts_the_unread_list_up_to_its_cap(member, django_assert_num_queries):
    other = make_user()
    _notify(member, 4)
    _notify(member, 2, read=True)
    _notify(other, 3)
    expected = notification_list(actor=member, unread_only=True).aggregate(n=Count("pk"))["n"]
    assert expected == 4
    with django_assert_num_queries(1):
        assert notification_unread_count(actor=member) == 4
    assert notification_unread_count(actor=other) == 3
    assert notification_unread_count(actor=member, cap=2) == 3  # 3 means "2+"
    _notify(member, 1)
    assert notification_unread_count(actor=member) == 5  # read afresh


def test_the_base_currency_is_the_calendars_and_the_calendar_is_made_when_missing(django_assert_num_queries):
    OrganisationCalendar.objects.all().delete()
    assert calendar_currency() == calendar_get().currency  # made on first use
    calendar = calendar_get()
    calendar.currency = "EUR"
    calendar.save(update_fields=["currency"])
    with django_assert_num_queries(1):
        assert calendar_currency() == "EUR"


def test_a_prepared_query_is_built_once_per_shape_and_binds_dates_as_the_compiler_does(member, django_assert_num_queries):
    from tandem.core import home
    from tandem.core.home import Prepared

    other = make_user()
    Notification.objects.create(recipient=member, kind="test", key="old", title="Old")
    Notification.objects.filter(recipient=member).update(created_at="2026-01-01T09:00:00Z")
    Notification.objects.create(recipient=other, kind="test", key="new", title="New")
    built: list[int] = []

    def since(user: User, start):
        def build():
            built.append(user.pk)
            return Notification.objects.filter(recipient=user.pk, created_at__gte=start)

        return Prepared("test.since", (start, user.pk), build)

    start = home.day_start(dt.date(2026, 1, 2))
    with django_assert_num_queries(1):
        counts = home.capped_counts({"member": since(member, start), "other": since(other, start)},
                                    exists={"member_any": since(member, home.day_start(dt.date(2025, 12, 31)))})
    assert counts == {"member": 0, "other": 1, "member_any": 1}
    assert built == [member.pk, member.pk]  # once for the counts' shape, once for the exists' shape
    assert home.capped_counts({"member": since(member, home.day_start(dt.date(2026, 1, 1)))}) == {"member": 1}
    assert built == [member.pk, member.pk]
    with pytest.raises(StatementError, match="are not the values"):
        home.capped_counts({"wrong": Prepared("test.wrong", (member.pk,), lambda: Notification.objects.filter(recipient=other.pk))})


def test_a_server_runs_a_mismatched_statement_as_built_and_logs_it(member, monkeypatch, caplog):
    monkeypatch.setattr(statements, "STRICT", False)
    other = make_user()
    rows = run_once_compiled(
        "test.lenient", (member.pk,), lambda: compiled_sql(User.objects.filter(pk=other.pk).values("pk"))
    )
    assert rows == [(other.pk,)]  # the query as built, not the mismatched values
    assert "test.lenient" in caplog.text
    assert ("test.lenient", "rows", "default") not in statements._SQL

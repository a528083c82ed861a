"""The demo data generator: the framework (tandem.core.demo) and the people step."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.utils import timezone

from tandem.core import demo
from tandem.core.models import AuditAction, AuditEntry
from tandem.core.roles import Role
from tandem.people import demo as people_demo
from tandem.people.models import (
    Holiday,
    OrganisationCalendar,
    Person,
    RoleAssignment,
    Team,
    TimeOff,
    User,
)
from tests.factories import make_user

# The people step alone: later apps' steps have tests of their own.
PEOPLE_ONLY = ("people",)
SMALL = demo.SCALES["small"]


def people_rows() -> list[tuple]:
    """Every generated person, in a stable order, without ids or timestamps."""
    return [
        (
            person.user.email,
            person.user.full_name,
            person.user.is_staff,
            person.user.date_joined,
            tuple(sorted(person.user.role_assignments.values_list("role", flat=True))),
            person.title,
            person.team.name,
            person.team.lead.email if person.team.lead else None,
            person.weekly_capacity_hours,
            person.working_days,
            person.cost_rate,
            person.bill_rate,
            person.currency,
        )
        for person in Person.objects.select_related("user", "team__lead").order_by("user__email")
    ]


def time_off_rows() -> list[tuple]:
    return list(
        TimeOff.objects.order_by("person__user__email", "start_date").values_list(
            "person__user__email", "kind", "start_date", "end_date", "hours_per_day", "note"
        )
    )


# --- Scale -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "factor"), [("small", 0.004), ("LARGE", 1.0), ("0.5", 0.5), ("3", 3.0), (2, 2.0)]
)
def test_parse_scale_reads_names_and_factors(value, factor):
    assert demo.parse_scale(value) == factor


@pytest.mark.parametrize("value", ["huge", "0", "-1", "101", "", "nan"])
def test_parse_scale_refuses_other_values_naming_them(value):
    with pytest.raises(ValueError, match=f"invalid scale {value!r}"):
        demo.parse_scale(value)


@pytest.mark.parametrize(
    ("scale", "people", "teams"),
    [(0.004, 30, 4), (0.05, 30, 4), (0.15, 30, 4), (0.2, 40, 4), (0.5, 100, 7), (1.0, 200, 10), (4.0, 800, 20)],
)
def test_people_grow_linearly_and_teams_with_the_square_root(scale, people, teams):
    """Linear in the scale, never fewer than a firm of 30 (the small scale: a few
    hundred client accounts, three account managers); teams with the square root of
    the head count."""
    ctx = demo.DemoContext(scale=scale, seed=1)
    assert people_demo.people_count(ctx) == people
    assert people_demo.team_count(ctx) == teams


def test_role_counts_add_up():
    assert people_demo.role_counts(200) == {
        Role.ADMIN: 3,
        Role.EXECUTIVE: 5,
        Role.ACCOUNT_MANAGER: 20,
        Role.PROJECT_MANAGER: 20,
        Role.MEMBER: 152,
    }
    assert people_demo.role_counts(5) == dict.fromkeys(Role.values, 1)


def test_team_names_are_unique_beyond_the_list():
    names = [name for name, _ in people_demo.team_names(30)]
    assert len(set(names)) == 30
    assert names[:3] == ["Leadership", "Client Services", "Delivery"]
    assert names[12] == "Leadership 2"


# --- Bank holidays ---------------------------------------------------------------------


def test_bank_holidays_of_2026():
    assert people_demo.bank_holidays(2026) == [
        (dt.date(2026, 1, 1), "New Year's Day"),
        (dt.date(2026, 4, 3), "Good Friday"),
        (dt.date(2026, 4, 6), "Easter Monday"),
        (dt.date(2026, 5, 4), "Early May bank holiday"),
        (dt.date(2026, 5, 25), "Spring bank holiday"),
        (dt.date(2026, 8, 31), "Summer bank holiday"),
        (dt.date(2026, 12, 25), "Christmas Day"),
        (dt.date(2026, 12, 28), "Boxing Day"),  # the 26th is a Saturday
    ]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # Christmas on a Saturday: Monday 27 and Tuesday 28.
        (2021, {dt.date(2021, 12, 27): "Christmas Day", dt.date(2021, 12, 28): "Boxing Day"}),
        # Christmas on a Sunday: Boxing Day on Monday 26, Christmas on Tuesday 27.
        (2022, {dt.date(2022, 12, 26): "Boxing Day", dt.date(2022, 12, 27): "Christmas Day"}),
        # New Year's Day on a Saturday: Monday 3 January.
        (2022, {dt.date(2022, 1, 3): "New Year's Day"}),
        # Easter 2025 is 20 April.
        (2025, {dt.date(2025, 4, 18): "Good Friday", dt.date(2025, 4, 21): "Easter Monday"}),
    ],
)
def test_bank_holidays_move_off_weekends_and_follow_easter(year, expected):
    holidays = dict(people_demo.bank_holidays(year))
    assert len(holidays) == 8
    assert all(day.weekday() < 5 for day in holidays)
    for day, name in expected.items():
        assert holidays[day] == name


# --- The generated organisation --------------------------------------------------------


@pytest.mark.django_db
def test_small_scale_has_exact_counts():
    result = demo.run_demo(steps=PEOPLE_ONLY, scale=SMALL, seed=1, reset=True)
    assert result.created is True
    assert User.objects.count() == 30
    assert Person.objects.count() == 30
    assert Team.objects.count() == 4
    assert Counter(RoleAssignment.objects.values_list("role", flat=True)) == {
        Role.ADMIN: 1,
        Role.EXECUTIVE: 1,
        Role.ACCOUNT_MANAGER: 3,
        Role.PROJECT_MANAGER: 3,
        Role.MEMBER: 22,
    }
    assert TimeOff.objects.count() == 265
    assert Holiday.objects.count() == 32  # 8 a year, from two years ago to next year
    year = timezone.localdate().year
    assert sorted({day.year for day in Holiday.objects.values_list("date", flat=True)}) == [
        year - 2,
        year - 1,
        year,
        year + 1,
    ]
    assert result.counts == {
        "people.User": 30,
        "people.RoleAssignment": 30,
        "people.Team": 4,
        "people.Person": 30,
        "people.TimeOff": 265,
        "people.OrganisationCalendar": 1,
        "people.Holiday": 32,
    }


@pytest.mark.django_db
def test_every_business_row_has_its_create_audit_entry():
    demo.run_demo(steps=PEOPLE_ONLY, scale=SMALL, seed=1, reset=True)
    entries = AuditEntry.objects.filter(action=AuditAction.CREATE)
    assert entries.count() == 30 + 4 + 30 + 265 + 1 + 32
    assert AuditEntry.objects.exclude(action=AuditAction.CREATE).count() == 0
    per_model = Counter(entries.values_list("content_type__model", flat=True))
    assert per_model == {
        "user": 30,
        "team": 4,
        "person": 30,
        "timeoff": 265,
        "organisationcalendar": 1,
        "holiday": 32,
    }
    member = User.objects.get(email="member@example.com")
    entry = entries.get(content_type__model="user", object_id=str(member.pk))
    assert entry.actor is None
    assert entry.object_repr == "Maya Lindqvist"
    assert entry.changes["email"] == [None, "member@example.com"]
    assert "password" not in entry.changes


@pytest.mark.django_db
def test_the_five_demo_logins_work_with_their_roles():
    demo.run_demo(steps=PEOPLE_ONLY, scale=SMALL, seed=1, reset=True)
    for login in demo.DEMO_LOGINS:
        user = authenticate(None, username=login.email, password=demo.DEMO_PASSWORD)
        assert user is not None, login.email
        assert set(user.role_assignments.values_list("role", flat=True)) == {login.role}
        assert user.is_staff is (login.role == Role.ADMIN)
        assert user.is_superuser is False
    assert authenticate(None, username="member@example.com", password="wrong-password") is None


@pytest.mark.django_db
@pytest.mark.real_password_hashing
def test_every_demo_user_shares_one_argon2_hash():
    demo.run_demo(steps=PEOPLE_ONLY, scale=SMALL, seed=1, reset=True)
    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1
    assert hashes.pop().startswith("argon2$")


@pytest.mark.django_db
def test_the_calendar_is_london_office_hours():
    demo.run_demo(steps=PEOPLE_ONLY, scale=SMALL, seed=1, reset=True)
    calendar = OrganisationCalendar.objects.get()
    assert (calendar.pk, calendar.time_zone, calendar.day_start, calendar.day_end) == (
        1,
        "Europe/London",
        dt.time(9, 0),
        dt.time(17, 30),
    )
    assert (calendar.working_days, calendar.currency, calendar.locale) == (
        0b0011111,
        "GBP",
        "en-gb",
    )


@pytest.mark.django_db
def test_an_existing_calendar_row_is_updated_not_duplicated():
    demo.wipe_business_tables()
    OrganisationCalendar.objects.create(pk=1, time_zone="UTC")
    demo.run_demo(steps=PEOPLE_ONLY, scale=0.05, seed=1)
    calendar = OrganisationCalendar.objects.get()
    assert (calendar.time_zone, calendar.version) == ("Europe/London", 2)


@pytest.mark.django_db
def test_same_seed_same_rows_other_seed_other_rows():
    demo.run_demo(steps=PEOPLE_ONLY, scale=SMALL, seed=1, reset=True)
    first, first_time_off = people_rows(), time_off_rows()
    demo.run_demo(steps=PEOPLE_ONLY, scale=SMALL, seed=1, reset=True)
    assert people_rows() == first
    assert time_off_rows() == first_time_off
    demo.run_demo(steps=PEOPLE_ONLY, scale=SMALL, seed=2, reset=True)
    other = people_rows()
    assert len(other) == len(first)
    assert other != first
    assert time_off_rows() != first_time_off


@pytest.mark.django_db
def test_large_scale_is_a_believable_firm():
    demo.run_demo(steps=PEOPLE_ONLY, scale=1.0, seed=1, reset=True)
    assert User.objects.count() == 200
    assert Team.objects.count() == 10
    assert Team.objects.filter(lead__isnull=True).count() == 0
    assert Counter(RoleAssignment.objects.values_list("role", flat=True)) == {
        Role.ADMIN: 3,
        Role.EXECUTIVE: 5,
        Role.ACCOUNT_MANAGER: 20,
        Role.PROJECT_MANAGER: 23,  # one account manager in five also manages projects
        Role.MEMBER: 152,
    }
    persons = list(Person.objects.select_related("user"))
    part_time = [p for p in persons if p.weekly_capacity_hours != Decimal("37.50")]
    assert part_time, "some people work part time"
    assert all(Decimal(24) <= p.weekly_capacity_hours <= Decimal(32) for p in part_time)
    four_day = [p for p in persons if bin(p.working_days).count("1") == 4]
    assert four_day, "some people work four-day weeks"
    assert all(p.working_days in (0b0001111, 0b0011110) for p in four_day)
    by_title = {p.title: p for p in persons}
    junior = [p for p in persons if p.title.startswith("Junior ")]
    principal = [p for p in persons if p.title.startswith("Principal ")]
    assert junior and principal
    assert max(p.bill_rate for p in junior) < min(p.bill_rate for p in principal)
    assert max(p.cost_rate for p in junior) < min(p.cost_rate for p in principal)
    assert all(p.cost_rate < p.bill_rate for p in persons)
    assert by_title["Managing Director"].user.email == "exec@example.com"
    assert Team.objects.get(name="Leadership").lead.email == "exec@example.com"
    kinds = Counter(TimeOff.objects.values_list("kind", flat=True))
    assert kinds["vacation"] == 200 * 3 * 2  # three holidays a year over two years
    assert kinds["sick"] > 0 and kinds["training"] > 0
    year = timezone.localdate().year
    assert TimeOff.objects.filter(start_date__year__lt=year - 1).count() == 0
    assert TimeOff.objects.filter(start_date__year__gt=year).count() == 0


@pytest.mark.django_db
def test_time_off_never_overlaps_for_one_person():
    demo.run_demo(steps=PEOPLE_ONLY, scale=SMALL, seed=1, reset=True)
    spans: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for person_id, start, end in TimeOff.objects.values_list("person_id", "start_date", "end_date"):
        assert start <= end
        spans.setdefault(person_id, []).append((start, end))
    for rows in spans.values():
        rows.sort()
        assert all(previous[1] < following[0] for previous, following in itertools.pairwise(rows))


# --- Refusing, re-running, resetting ---------------------------------------------------


@pytest.mark.django_db
def test_refuses_a_database_with_other_users_and_changes_nothing():
    make_user(email="real@corp.test")
    with pytest.raises(demo.DemoRefusedError, match=r"people: 1 row\(s\)"):
        demo.run_demo(steps=PEOPLE_ONLY, scale=SMALL, seed=1)
    assert list(User.objects.values_list("email", flat=True)) == ["real@corp.test"]
    assert Team.objects.count() == 0


@pytest.mark.django_db
def test_runs_again_as_a_no_op_when_the_demo_is_loaded():
    demo.run_demo(steps=PEOPLE_ONLY, scale=0.2, seed=1, reset=True)
    entries = AuditEntry.objects.count()
    result = demo.run_demo(steps=PEOPLE_ONLY, scale=SMALL, seed=2)
    assert (result.created, result.counts) == (False, {})
    assert User.objects.count() == 40
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_reset_wipes_other_data_first():
    make_user(email="real@corp.test")
    demo.run_demo(steps=PEOPLE_ONLY, scale=0.05, seed=1, reset=True)
    assert not User.objects.filter(email="real@corp.test").exists()
    assert User.objects.count() == 30
    assert AuditEntry.objects.count() == AuditEntry.objects.filter(actor__isnull=True).count()


def test_logins_table_lists_each_login_once():
    table = demo.format_logins().splitlines()
    assert table[0].split() == ["E-mail", "Role", "Password"]
    assert [line.split()[0] for line in table[2:]] == [login.email for login in demo.DEMO_LOGINS]
    assert all(line.endswith(demo.DEMO_PASSWORD) for line in table[2:])

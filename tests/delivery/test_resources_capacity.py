"""Capacity arithmetic, worked by hand (docs/delivery.md, "Resources and capacity"):
available = capacity − holidays − time off on the person's working days; allocated =
allocations prorated by the working days of the week inside their dates; over when
allocated > available. Also who has room, the allocation services' rules (manager
only, ordered dates, hours 0–168, versions) and the bounded number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import Allocation, ProjectMember, ProjectStatus, TaskAssignment
from tandem.delivery.selectors.capacity import (
    capacity_grid,
    capacity_people,
    people_with_room,
    week_allocations,
)
from tandem.people.models import Holiday, Person, TimeOff
from tandem.people.selectors import calendar_get
from tests.delivery.factories import make_manager, make_project, make_task
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2027, 1, 4)  # ISO week 2027-W01
D = Decimal


def _day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


def _person(user, *, hours: str = "40", days: int = 0b0011111) -> None:
    Person.objects.filter(user=user).update(weekly_capacity_hours=D(hours), working_days=days)


def _holiday(day: dt.date, name: str = "Holiday") -> None:
    Holiday.objects.create(calendar=calendar_get(), date=day, name=name)


def _off(user, first: dt.date, last: dt.date, per_day: str | None = None) -> None:
    TimeOff.objects.create(person=user.person, start_date=first, end_date=last,
                           hours_per_day=None if per_day is None else D(per_day))


def _allocate(project, user, first: dt.date, last: dt.date, per_week: str) -> Allocation:
    return services.allocation_create(actor=None, project=project, data={
        "user": user, "start_date": first, "end_date": last, "hours_per_week": D(per_week)})


def _grid(*users, start=MONDAY, weeks=1):
    people = list(capacity_people(actor=make_user(role=Role.ADMIN)).filter(pk__in=[u.pk for u in users]))
    return {row.user.pk: row.weeks for row in capacity_grid(users=people, start=start, weeks=weeks)}


# --- The arithmetic ----------------------------------------------------------------------------


def test_the_worked_example_a_holiday_monday_and_two_days_off_leave_16_hours() -> None:
    """40 h over Monday–Friday is 8 h a day; the holiday takes Monday (8), time off
    Tuesday and Wednesday (16): 40 − 8 − 16 = 16 h available. 24 h allocated: over by 8."""
    ana = make_user(full_name="Ana")
    _person(ana)
    _holiday(MONDAY, "New Year (observed)")
    _off(ana, _day(1), _day(2))
    _allocate(make_project(), ana, MONDAY, _day(4), "24")
    [week] = _grid(ana)[ana.pk]
    assert (week.week, week.capacity, week.holidays, week.time_off) == (MONDAY, D("40.00"), D("8.00"), D("16.00"))
    assert (week.available, week.allocated, week.free) == (D("16.00"), D("24.00"), D("-8.00"))
    assert week.over and week.over_by == D("8.00")


def test_part_time_days_holidays_off_their_days_and_hours_off_per_day() -> None:
    """24 h over Monday–Wednesday: 8 h a day. A Thursday holiday is not theirs; 4 h off
    on Tuesday: 24 − 4 = 20 h. Next week Monday is a holiday: 16 h."""
    bo = make_user(full_name="Bo")
    _person(bo, hours="24", days=0b0000111)
    _holiday(_day(3))
    _holiday(_day(7))
    _off(bo, _day(1), _day(1), per_day="4")
    first, second = _grid(bo, weeks=2)[bo.pk]
    assert (first.capacity, first.holidays, first.time_off, first.available) == (D("24.00"), 0, D("4.00"), D("20.00"))
    assert (second.week, second.holidays, second.available) == (_day(7), D("8.00"), D("16.00"))
    assert not first.over


def test_a_day_off_on_a_holiday_counts_once_and_hours_off_never_exceed_the_day() -> None:
    cy = make_user(full_name="Cy")
    _person(cy, hours="40")
    _holiday(MONDAY)
    _off(cy, MONDAY, _day(1))  # Monday is already the holiday
    _off(cy, _day(2), _day(2), per_day="12")  # more than the 8-hour day: the day
    [week] = _grid(cy)[cy.pk]
    assert (week.holidays, week.time_off, week.available) == (D("8.00"), D("16.00"), D("16.00"))


def test_thirds_are_exact_until_the_end() -> None:
    """40 h over Monday, Wednesday and Friday: 13⅓ h a day; a holiday Monday leaves
    26⅔ = 26.67 h; 10 h a week allocated from Wednesday: two of three days, 6.67 h."""
    di = make_user(full_name="Di")
    _person(di, hours="40", days=0b0010101)
    _holiday(MONDAY)
    _allocate(make_project(), di, _day(2), _day(30), "10")
    [week] = _grid(di)[di.pk]
    assert (week.holidays, week.available, week.allocated) == (D("13.33"), D("26.67"), D("6.67"))


def test_allocations_are_prorated_by_the_working_days_of_the_week_inside_their_dates() -> None:
    """20 h a week from Wednesday 6 to Tuesday 12 January: Wednesday–Friday (3 of 5
    days) = 12 h, then Monday–Tuesday = 8 h. 16 h a week on a closed project counts
    nothing; two allocations add up."""
    ed = make_user(full_name="Ed")
    _person(ed)
    project = make_project()
    _allocate(project, ed, _day(2), _day(8), "20")
    _allocate(make_project(), ed, MONDAY, _day(13), "30")
    closed = make_project()
    _allocate(closed, ed, MONDAY, _day(13), "16")
    services.project_move_status(actor=None, project=closed, status=ProjectStatus.CANCELLED)
    first, second, third = _grid(ed, weeks=3)[ed.pk]
    assert [first.allocated, second.allocated, third.allocated] == [D("42.00"), D("38.00"), D("0.00")]
    assert first.over and first.over_by == D("2.00") and not second.over


def test_a_week_starts_on_monday_whatever_day_is_asked() -> None:
    fay = make_user(full_name="Fay")
    [week] = _grid(fay, start=_day(3))[fay.pk]
    assert week.week == MONDAY


def test_a_person_without_working_days_has_no_capacity() -> None:
    gus = make_user(full_name="Gus")
    _person(gus, days=0)
    _allocate(make_project(), gus, MONDAY, _day(6), "10")
    [week] = _grid(gus)[gus.pk]
    assert (week.available, week.allocated, week.over) == (D("0.00"), D("0.00"), False)


def test_the_grid_costs_three_queries_whatever_the_people_and_weeks() -> None:
    """People are read by the caller (one query); allocations, time off and holidays
    one query each, for 2 people over 2 weeks as for 6 people over 12."""
    project = make_project()
    counts = []
    for size, weeks in ((2, 2), (6, 12)):
        users = [make_user() for _ in range(size)]
        for user in users:
            _allocate(project, user, MONDAY, _day(60), "8")
            _off(user, _day(1), _day(2))
        _holiday(_day(7 * weeks - 7))
        people = list(capacity_people(actor=make_user(role=Role.PROJECT_MANAGER)).filter(pk__in=[u.pk for u in users]))
        with CaptureQueriesContext(connection) as queries:
            grid = capacity_grid(users=people, start=MONDAY, weeks=weeks)
        assert len(grid) == size and len(grid[0].weeks) == weeks
        counts.append(len(queries))
    assert counts == [3, 3]


def test_who_sees_whose_capacity() -> None:
    team = make_team(name="Design")
    member = make_user(role=Role.MEMBER, full_name="Mo Member", team=team)
    other = make_user(role=Role.MEMBER, full_name="Ola Other")
    account_manager = make_user(role=Role.ACCOUNT_MANAGER, full_name="Al Account")
    retired = make_user(full_name="Old Timer")
    retired.is_active = False
    retired.save()
    for planner in (make_manager(), make_user(role=Role.EXECUTIVE), make_user(role=Role.ADMIN)):
        names = list(capacity_people(actor=planner).values_list("full_name", flat=True))
        assert {"Mo Member", "Ola Other", "Al Account"} <= set(names) and "Old Timer" not in names
        assert list(capacity_people(actor=planner, team_id=team.pk)) == [member]
    assert list(capacity_people(actor=member)) == [member]
    assert list(capacity_people(actor=account_manager)) == [account_manager]
    assert list(capacity_people(actor=other, team_id=team.pk)) == []


def test_a_cells_allocations_show_only_the_projects_the_viewer_sees() -> None:
    ivy = make_user(full_name="Ivy")
    _person(ivy)
    mine_manager = make_manager()
    mine = make_project(manager=mine_manager, code="MINE-1")
    theirs = make_project(code="THEIRS-1")
    allocation = _allocate(mine, ivy, _day(2), _day(20), "20")
    _allocate(theirs, ivy, MONDAY, _day(20), "10")
    rows, hidden = week_allocations(actor=mine_manager, user=ivy, week=_day(4))
    assert rows == [(allocation, D("12.00"))]
    assert hidden == D("10.00")
    rows, hidden = week_allocations(actor=make_user(role=Role.EXECUTIVE), user=ivy, week=MONDAY)
    assert [(row.project.code, share) for row, share in rows] == [("MINE-1", D("12.00")), ("THEIRS-1", D("10.00"))]
    assert hidden == D("0.00")


# --- Who has room ------------------------------------------------------------------------------


def test_people_with_room_ranks_the_team_and_the_others_by_free_hours() -> None:
    manager = make_manager(full_name="Pia Manager")
    project = make_project(manager=manager)
    busy = make_user(full_name="Busy Bee")
    idle = make_user(full_name="Idle Ida")
    make_user(full_name="Out Sider")
    half = make_user(full_name="Half Time")
    _person(half, hours="20")
    for user in (busy, idle):
        services.project_member_add(actor=None, project=project, user=user)
    _allocate(make_project(), busy, MONDAY, _day(13), "50")  # over by 10 h a week
    _allocate(project, idle, MONDAY, _day(13), "10")
    room = people_with_room(project=project, start=MONDAY, finish=_day(11))  # Mon 4 to Fri 15 January
    assert [(r.user.full_name, r.available, r.allocated, r.free, r.over) for r in room.team] == [
        ("Pia Manager", D("80.00"), D("0.00"), D("80.00"), False),
        ("Idle Ida", D("80.00"), D("20.00"), D("60.00"), False),
        ("Busy Bee", D("80.00"), D("100.00"), D("-20.00"), True),
    ]
    assert room.team[2].over_by == D("20.00")
    others = [(r.user.full_name, r.free) for r in room.others]
    assert ("Out Sider", D("80.00")) in others and ("Half Time", D("40.00")) in others
    assert others.index(("Out Sider", D("80.00"))) < others.index(("Half Time", D("40.00")))
    assert room.others_count == len(room.others)


def test_people_with_room_costs_four_queries() -> None:
    project = make_project()
    for _ in range(5):
        _allocate(project, make_user(), MONDAY, _day(30), "8")
    with CaptureQueriesContext(connection) as queries:
        people_with_room(project=project, start=MONDAY, finish=_day(20))
    assert len(queries) == 4


# --- The services ---------------------------------------------------------------------------------


def test_the_manager_allocates_and_the_person_joins_the_team() -> None:
    manager = make_manager()
    project = make_project(manager=manager)
    person = make_user(full_name="New Hand")
    allocation = services.allocation_create(actor=manager, project=project, data={
        "user": person, "start_date": MONDAY, "end_date": _day(27), "hours_per_week": "16.5", "note": " Design "})
    assert (allocation.hours_per_week, allocation.note, allocation.version) == (D("16.5"), "Design", 1)
    assert ProjectMember.objects.filter(project=project, user=person).exists()
    updated = services.allocation_update(actor=manager, allocation=allocation, data={"hours_per_week": 20},
                                         expected_version=1)
    assert (updated.hours_per_week, updated.version) == (D("20"), 2)
    with pytest.raises(ConflictError):
        services.allocation_update(actor=manager, allocation=Allocation.objects.get(pk=allocation.pk),
                                   data={"hours_per_week": 10}, expected_version=1)
    services.allocation_delete(actor=manager, allocation=updated, expected_version=2)
    assert not Allocation.objects.exists()
    assert ProjectMember.objects.filter(project=project, user=person).exists()


@pytest.mark.parametrize(("data", "errors"), [
    ({"end_date": MONDAY - dt.timedelta(days=1)}, {"end_date": ["The allocation cannot end before it starts."]}),
    ({"hours_per_week": "168.01"}, {"hours_per_week": ["Give the hours a week, from 0 to 168."]}),
    ({"hours_per_week": -1}, {"hours_per_week": ["Give the hours a week, from 0 to 168."]}),
    ({"hours_per_week": "ten"}, {"hours_per_week": ["Give the hours a week, from 0 to 168."]}),
    ({"hours_per_week": "1.234"}, {"hours_per_week": ["Give the hours a week with at most two decimals."]}),
    ({"user": None}, {"user": ["Choose the person to allocate."]}),
    ({"start_date": None}, {"start_date": ["Give the first day of the allocation."]}),
    ({"project": None}, {"project": ["This field cannot be set here."]}),
])
def test_allocations_are_refused_with_the_field_named(data, errors) -> None:
    manager = make_manager()
    project = make_project(manager=manager)
    values = {"user": make_user(), "start_date": MONDAY, "end_date": _day(4), "hours_per_week": D(8), **data}
    with pytest.raises(ValidationError) as caught:
        services.allocation_create(actor=manager, project=project, data=values)
    assert caught.value.message_dict == errors
    assert not Allocation.objects.exists()


def test_an_inactive_person_is_not_allocated() -> None:
    manager = make_manager()
    gone = make_user(full_name="Gone Person")
    gone.is_active = False
    gone.save()
    with pytest.raises(ValidationError) as caught:
        _allocate_as(manager, make_project(manager=manager), gone)
    assert caught.value.message_dict == {"user": ["Gone Person is no longer active."]}


def _allocate_as(actor, project, user):
    return services.allocation_create(actor=actor, project=project, data={
        "user": user, "start_date": MONDAY, "end_date": _day(4), "hours_per_week": D(8)})


def test_only_the_projects_manager_allocates() -> None:
    manager = make_manager()
    project = make_project(manager=manager)
    member = make_user(role=Role.MEMBER)
    services.project_member_add(actor=None, project=project, user=member)
    allocation = _allocate_as(manager, project, member)
    for actor in (member, make_manager(), make_user(role=Role.EXECUTIVE)):
        with pytest.raises(PermissionDeniedError):
            _allocate_as(actor, project, member)
        with pytest.raises(PermissionDeniedError):
            services.allocation_update(actor=actor, allocation=allocation, data={"hours_per_week": 1})
        with pytest.raises(PermissionDeniedError):
            services.allocation_delete(actor=actor, allocation=allocation)
    assert list(Allocation.objects.values_list("hours_per_week", flat=True)) == [D("8.00")]
    _allocate_as(make_user(role=Role.ADMIN), project, member)
    assert Allocation.objects.count() == 2


def test_assigning_someone_from_outside_puts_them_on_the_team() -> None:
    manager = make_manager()
    project = make_project(manager=manager)
    task = make_task(project=project, name="Design")
    outsider = make_user(full_name="Out Sider")
    services.task_assign_person(actor=manager, task=task, user=outsider)
    assert TaskAssignment.objects.filter(task=task, user=outsider).exists()
    assert ProjectMember.objects.filter(project=project, user=outsider).exists()
    with pytest.raises(PermissionDeniedError):
        services.task_assign_person(actor=outsider, task=task, user=manager)

"""The meetings demo step: series with held occurrences and action items, QBRs held as
interactions, and meetings this week for pm@ and member@."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.core import demo
from tandem.governance.models import ActionItem, Meeting, MeetingKind, MeetingSeries
from tandem.governance.selectors.meetings import MeetingFilters, meeting_list
from tandem.people.models import User
from tests.commercial.test_demo import restore_seeded_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        demo.run_demo(scale=demo.SCALES["small"], seed=1, reset=True)
        yield
        demo.wipe_business_tables()
        restore_seeded_rows()


def test_meetings_demo(demo_db) -> None:  # type: ignore[no-untyped-def]
    assert MeetingSeries.objects.count() > 0
    assert Meeting.objects.filter(series__isnull=False, status="held").exclude(notes="").exists()
    assert ActionItem.objects.filter(status="done").exists()
    assert ActionItem.objects.filter(status="open").exists()
    assert ActionItem.objects.filter(task__isnull=False).exists()
    qbrs = Meeting.objects.filter(kind=MeetingKind.QBR, status="held")
    assert qbrs.exists() and not qbrs.filter(interaction__isnull=True).exists()
    assert Meeting.objects.filter(kind=MeetingKind.KICKOFF).exists()
    today = timezone.localdate()
    week_end = dt.datetime.combine(today + dt.timedelta(days=7 - today.weekday()), dt.time(0, 0), tzinfo=dt.UTC)
    week_start = dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time(0, 0), tzinfo=dt.UTC)
    for email in ("pm@example.com", "member@example.com"):
        user = User.objects.get(email=email)
        mine = meeting_list(actor=user, filters=MeetingFilters(when="all", mine=True, starts_after=week_start,
                                                               starts_before=week_end))
        assert mine.exists(), email

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction
from django.tasks import task

from tandem.core.models import Notification, ScheduledRun
from tandem.core.notifications import (
    notification_list,
    notification_mark_read,
    notification_send,
    notification_unread_count,
)
from tandem.core.schedule import DAILY_JOBS, daily, enqueue_due

RUNS: list[str] = []


@task()
def _probe() -> None:
    RUNS.append("ran")


@pytest.fixture
def probe_job(monkeypatch):
    """The registry holding only the probe job (the real ones stay registered)."""
    from tandem.core import schedule

    schedule.discover()
    registered = daily(at="07:00")(_probe)
    name = next(name for name, job in DAILY_JOBS.items() if job.task is registered)
    monkeypatch.setattr(schedule, "DAILY_JOBS", {name: DAILY_JOBS[name]})
    monkeypatch.setattr(schedule, "PERIODIC_JOBS", {})
    DAILY_JOBS.pop(name)
    return name


@pytest.mark.django_db(transaction=True)
def test_daily_job_is_enqueued_once_per_local_day_after_its_time(probe_job, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    RUNS.clear()
    berlin = ZoneInfo("Europe/Berlin")
    before = dt.datetime(2026, 3, 2, 5, 30, tzinfo=dt.UTC)  # 06:30 in Berlin
    assert enqueue_due(now=before, time_zone=berlin) == []
    after = dt.datetime(2026, 3, 2, 6, 5, tzinfo=dt.UTC)  # 07:05 in Berlin
    assert enqueue_due(now=after, time_zone=berlin) == [f"{probe_job}:2026-03-02"]
    assert enqueue_due(now=after + dt.timedelta(hours=3), time_zone=berlin) == []
    assert RUNS == ["ran"]
    assert ScheduledRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_notification_is_idempotent_per_key_and_mails_after_commit(member):
    with transaction.atomic():
        first = notification_send(recipient=member, kind="k", key="day:1", title="Hello", body="b", email=True)
        assert len(mail.outbox) == 0
    second = notification_send(recipient=member, kind="k", key="day:1", title="Hello again", email=True)
    assert first is not None and second is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert mail.outbox[0].subject == "[Tandem] Hello"
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_unread_count_and_mark_read_touch_only_the_actors_notifications(member, project_manager):
    for day in range(3):
        notification_send(recipient=member, kind="k", key=f"d{day}", title="t")
    notification_send(recipient=project_manager, kind="k", key="d0", title="t")
    assert notification_unread_count(actor=member) == 3
    assert notification_unread_count(actor=member, cap=1) == 2  # counted up to cap + 1 → "1+"
    one = notification_list(actor=member).first()
    assert notification_mark_read(actor=project_manager, notification_id=one.pk) == 0
    assert notification_mark_read(actor=member, notification_id=one.pk) == 1
    assert notification_unread_count(actor=member) == 2
    assert notification_mark_read(actor=member) == 2
    assert notification_unread_count(actor=project_manager) == 1


def test_every_app_daily_job_is_discovered():
    from tandem.core.schedule import discover

    names = set(discover())
    assert {"tandem.people.tasks.prune_login_attempts", "tandem.clients.tasks.notify_needs_attention"} <= names


@pytest.mark.django_db(transaction=True)
def test_scheduler_loop_enqueues_and_stops(probe_job):
    import threading

    from tandem.core.schedule import run_scheduler

    stop = threading.Event()
    thread = threading.Thread(target=run_scheduler, args=(stop,), kwargs={"interval": 0.05})
    thread.start()
    for _ in range(100):
        if ScheduledRun.objects.exists():
            break
        stop.wait(0.05)
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert ScheduledRun.objects.filter(key__startswith=probe_job).count() <= 1

"""Periodic jobs: daily tasks enqueued by the worker at a local time of day, and
frequent tasks (``@every(minutes=15)``) enqueued once per slot of the day.

``tandem worker`` calls :func:`enqueue_due` once a minute. Each run is claimed by
inserting a :class:`~tandem.core.models.ScheduledRun` row with a unique key
(job name + local date), so any number of workers enqueue each daily job once.
A job missed while no worker ran is enqueued when one starts, the same day.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone

from tandem.core import registry
from tandem.core.models import ScheduledRun

logger = logging.getLogger("tandem.schedule")


@dataclass(frozen=True)
class DailyJob:
    name: str
    task: Task
    at: dt.time


DAILY_JOBS: dict[str, DailyJob] = {}


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task
    minutes: int


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


def daily(*, at: str) -> Callable[[Task], Task]:
    """Register a task to run every day at ``at`` ("HH:MM", organisation time)."""
    hour, minute = (int(part) for part in at.split(":"))

    def decorator(task: Task) -> Task:
        name = f"{task.func.__module__}.{task.func.__name__}"
        DAILY_JOBS[name] = DailyJob(name=name, task=task, at=dt.time(hour, minute))
        return task

    return decorator


def every(*, minutes: int) -> Callable[[Task], Task]:
    """Register a task to run every ``minutes`` minutes (a divisor of a day), once per
    slot of the day whatever the number of workers (same claim as the daily jobs)."""
    if not 0 < minutes <= 24 * 60 or (24 * 60) % minutes:
        raise ValueError("minutes must divide a day")

    def decorator(task: Task) -> Task:
        name = f"{task.func.__module__}.{task.func.__name__}"
        PERIODIC_JOBS[name] = PeriodicJob(name=name, task=task, minutes=minutes)
        return task

    return decorator


def _claim(key: str, task: Task) -> bool:
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(key=key)
            transaction.on_commit(task.enqueue)
    except IntegrityError:
        return False
    return True


def enqueue_due(*, now: dt.datetime | None = None, time_zone: ZoneInfo | None = None) -> list[str]:
    """Enqueue every daily job whose time has come today and every periodic job whose
    current slot nobody enqueued yet."""
    now = now or timezone.now()
    if time_zone is None:
        time_zone = ZoneInfo(registry.organisation_time_zone())
    local = now.astimezone(time_zone)
    enqueued = []
    for job in DAILY_JOBS.values():
        if local.time() < job.at:
            continue
        key = f"{job.name}:{local.date().isoformat()}"
        if _claim(key, job.task):
            enqueued.append(key)
    minute_of_day = local.hour * 60 + local.minute
    for periodic in PERIODIC_JOBS.values():
        slot = minute_of_day - minute_of_day % periodic.minutes
        key = f"{periodic.name}:{local.date().isoformat()}T{slot // 60:02d}:{slot % 60:02d}"
        if _claim(key, periodic.task):
            enqueued.append(key)
            # A slot's claim is only needed while the slot lasts: keep a week of them.
            ScheduledRun.objects.filter(
                key__startswith=f"{periodic.name}:", enqueued_at__lt=now - dt.timedelta(days=7)
            ).delete()
    return enqueued


def discover() -> dict[str, DailyJob]:
    """Import every installed app's ``tasks`` module, registering its daily jobs."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
    return DAILY_JOBS


def run_scheduler(stop: threading.Event, *, interval: float = 60.0) -> None:
    """Enqueue due daily jobs every ``interval`` seconds until ``stop`` is set (the
    worker runs this in a thread beside the task runner)."""
    from django.db import close_old_connections

    discover()
    while not stop.is_set():
        try:
            enqueued = enqueue_due()
            for key in enqueued:
                logger.info("scheduled %s", key)
        except Exception:  # a database hiccup must not kill the worker; try next time
            logger.exception("scheduler: could not enqueue due jobs")
        finally:
            close_old_connections()
        stop.wait(interval)

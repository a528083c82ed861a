"""Periodic jobs: daily tasks enqueued by the worker at a local time of day.

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


def daily(*, at: str) -> Callable[[Task], Task]:
    """Register a task to run every day at ``at`` ("HH:MM", organisation time)."""
    hour, minute = (int(part) for part in at.split(":"))

    def decorator(task: Task) -> Task:
        name = f"{task.func.__module__}.{task.func.__name__}"
        DAILY_JOBS[name] = DailyJob(name=name, task=task, at=dt.time(hour, minute))
        return task

    return decorator


def enqueue_due(*, now: dt.datetime | None = None, time_zone: ZoneInfo | None = None) -> list[str]:
    """Enqueue every daily job whose time has come today and that nobody enqueued yet."""
    now = now or timezone.now()
    if time_zone is None:
        time_zone = ZoneInfo(registry.organisation_time_zone())
    local = now.astimezone(time_zone)
    enqueued = []
    for job in DAILY_JOBS.values():
        if local.time() < job.at:
            continue
        key = f"{job.name}:{local.date().isoformat()}"
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(key=key)
                transaction.on_commit(job.task.enqueue)
        except IntegrityError:
            continue
        enqueued.append(key)
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

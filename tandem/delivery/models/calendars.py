"""Working calendars of projects. A project without one uses the organisation calendar
(people.OrganisationCalendar with its holidays); a project with one (e.g. imported from
MS Project) uses its weekly working times and exceptions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from tandem.core.models import BusinessModel

DEFAULT_WEEK: list[list[list[int]]] = [[[480, 720], [780, 1020]]] * 5 + [[], []]


def default_week() -> list[list[list[int]]]:
    return [list(day) for day in DEFAULT_WEEK]


def check_intervals(value: Any, where: str) -> None:
    """Working times are ``[[start, end], …]`` in minutes since midnight, in order."""
    if not isinstance(value, list):
        raise ValidationError(f"{where}: working times must be a list of [start, end] minutes.")
    previous = -1
    for interval in value:
        if (not isinstance(interval, list) or len(interval) != 2
                or not all(isinstance(part, int) for part in interval)):
            raise ValidationError(f"{where}: each working time is [start, end] in minutes.")
        start, end = interval
        if not (0 <= start < end <= 1440) or start < previous:
            raise ValidationError(f"{where}: working times must lie within the day, in order.")
        previous = end


class Calendar(BusinessModel):
    """A working week (Monday first; each day a list of [start, end] minutes since
    midnight) and its exceptions."""

    name = models.CharField(max_length=100)
    week = models.JSONField(default=default_week)
    external_id = models.CharField(max_length=64, blank=True, help_text="The calendar's UID in an imported plan.")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.week, list) or len(self.week) != 7:
            raise ValidationError({"week": "A working week has seven days, Monday first."})
        for number, day in enumerate(self.week):
            try:
                check_intervals(day, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                      "Saturday", "Sunday"][number])
            except ValidationError as error:
                raise ValidationError({"week": error.messages}) from error


class CalendarException(BusinessModel):
    """A date that works differently: no working time (a holiday) or its own times."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField()
    name = models.CharField(max_length=100, blank=True)
    working_times = models.JSONField(default=list, blank=True, help_text="Empty: not a working day.")

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_exception_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.name or 'Exception'} ({self.date})"

    def clean(self) -> None:
        try:
            check_intervals(self.working_times, self.date.isoformat() if self.date else "exception")
        except ValidationError as error:
            raise ValidationError({"working_times": error.messages}) from error

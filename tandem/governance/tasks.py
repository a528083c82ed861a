"""Daily jobs of the governance app (run by ``tandem worker``, see
:mod:`tandem.core.schedule`). Each is idempotent.

* :func:`risks_daily_job` (06:30): today's exposure point of every project and account
  with risks, and review reminders to the owners of open risks whose review date has come.
"""

from __future__ import annotations

from django.tasks import task

from tandem.core.schedule import daily
from tandem.governance.services.risks import risks_daily


@daily(at="06:30")
@task()
def risks_daily_job() -> dict[str, int]:
    """Daily: exposure points and risk review reminders (one per risk and day)."""
    return risks_daily()

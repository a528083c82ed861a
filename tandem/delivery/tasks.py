"""Daily jobs of the delivery app (run by ``tandem worker``, see
:mod:`tandem.core.schedule`). Each is idempotent.

* :func:`budget_alerts_notify` (07:00): tells each project's manager once when their
  project crosses a budget threshold (:mod:`tandem.delivery.services.budget_alerts`).
"""

from __future__ import annotations

from django.tasks import task

from tandem.core.schedule import daily
from tandem.delivery.services.budget_alerts import budget_alerts_send


@daily(at="07:00")
@task()
def budget_alerts_notify() -> int:
    """Daily: notify project managers of budget thresholds crossed (80 %, 100 % spent;
    CPI below 0.9), each once per project."""
    return budget_alerts_send()

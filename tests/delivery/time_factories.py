"""A small world for time tests: a time-and-materials project for an account with a rate
card, its manager, and a member on its team (cost rate 60 EUR, bill rate card 100 EUR/h)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tandem.core.services import model_create
from tandem.delivery import services
from tandem.delivery.models import Project, Task
from tests.clients.factories import make_account
from tests.commercial.factories import make_rate_card
from tests.delivery.factories import make_manager, make_project, make_task
from tests.factories import make_user

MONDAY = dt.date(2027, 1, 4)


@dataclass
class TimeWorld:
    manager: Any
    member: Any
    project: Project
    task: Task
    internal: Project
    account: Any


def build_time_world(*, billing_type: str = "time_and_materials") -> TimeWorld:
    from tandem.commercial.models import RateCardLine

    manager = make_manager(full_name="Pat Manager")
    member = make_user(full_name="Mia Member", cost_rate=Decimal("60.00"))
    account = make_account(name="Acme")
    card = make_rate_card(name="Standard", is_default=True)
    model_create(actor=None, model=RateCardLine, data={"rate_card": card, "person": member,
                                                       "hourly_rate": Decimal("100.00")})
    project = make_project(manager=manager, account=account, billing_type=billing_type, code="ACME-WEB")
    services.project_member_add(actor=None, project=project, user=member)
    task = make_task(project=project, name="Design")
    internal = make_project(manager=manager, code="INT-TOOLS")
    services.project_member_add(actor=None, project=internal, user=member)
    return TimeWorld(manager=manager, member=member, project=project, task=task, internal=internal, account=account)

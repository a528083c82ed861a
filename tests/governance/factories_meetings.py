"""Factories for meetings tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tandem.core.roles import Role
from tandem.governance.services import meetings as services
from tests.clients.factories import make_account, make_contact
from tests.delivery.factories import make_project
from tests.factories import make_user

UTC = dt.UTC


def setup_world() -> dict[str, Any]:
    """A project manager managing a project of an account owned by an account manager."""
    pm = make_user(role=Role.PROJECT_MANAGER, full_name="Pat Manager")
    am = make_user(role=Role.ACCOUNT_MANAGER, full_name="Alex Account")
    member = make_user(role=Role.MEMBER, full_name="Mo Member")
    account = make_account(owner=am)
    other_account = make_account(owner=am)
    project = make_project(manager=pm, account=account)
    contact = make_contact(account=account)
    foreign_contact = make_contact(account=other_account)
    return {"pm": pm, "am": am, "member": member, "account": account, "other_account": other_account,
            "project": project, "contact": contact, "foreign_contact": foreign_contact}


def make_meeting(*, actor: Any, project: Any = None, account: Any = None, starts_at: dt.datetime | None = None,
                 minutes: int = 60, users: Any = (), contacts: Any = (), **data: Any) -> Any:
    starts = starts_at or dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    data.setdefault("title", "Status meeting")
    return services.meeting_create(actor=actor, project=project, account=account, users=users, contacts=contacts,
                                   data={**data, "starts_at": starts, "ends_at": starts + dt.timedelta(minutes=minutes)})

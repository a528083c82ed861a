"""The time API: set a cell, change and delete it with versions, submit a week, approve
and return in bulk; cost rates hidden from whoever may not see costs; list queries pinned."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.delivery.models import TimeEntry
from tests.delivery.time_factories import build_time_world

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def call(client: Client, method: str, url: str, body=None):
    return client.generic(method, f"/api/v1{url}", json.dumps(body or {}), content_type="application/json")


def test_time_entries_through_the_api() -> None:
    world = build_time_world()
    member, manager = api(world.member), api(world.manager)
    created = call(member, "POST", "/time-entries", {"project_id": world.project.pk, "date": "2027-01-04", "hours": "7.5"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["hours"], body["status"], body["is_billable"], body["cost_rate"]) == ("7.50", "draft", True, None)
    too_much = call(member, "POST", "/time-entries", {"project_id": world.internal.pk, "date": "2027-01-04", "hours": "17"})
    assert too_much.status_code == 422
    assert "That makes 24.5 h on Monday 4 January 2027" in too_much.content.decode()
    stale = call(member, "PATCH", f"/time-entries/{body['id']}", {"version": body["version"] + 5, "hours": "6"})
    assert stale.status_code == 409
    changed = call(member, "PATCH", f"/time-entries/{body['id']}", {"version": body["version"], "hours": "6"})
    assert changed.status_code == 200 and changed.json()["hours"] == "6.00"
    assert call(member, "POST", "/time-entries/submit", {"week": "2027-01-06"}).json() == {"submitted": 1}
    # The member may not approve; the manager approves and the entry is locked.
    assert call(member, "POST", "/time-entries/approve", {"time_entry_ids": [body["id"]]}).status_code == 403
    approved = call(manager, "POST", "/time-entries/approve", {"time_entry_ids": [body["id"]]})
    assert approved.status_code == 200
    [item] = approved.json()["items"]
    # The project manager does not see cost rates (not the account's owner); the person does.
    assert (item["status"], item["cost_rate"]) == ("approved", None)
    mine = call(member, "GET", "/time-entries").json()
    assert [(i["hours"], i["cost_rate"], i["cost_currency"]) for i in mine["items"]] == [("6.00", "60.00", "EUR")]
    locked = call(member, "DELETE", f"/time-entries/{body['id']}")
    assert locked.status_code == 422 and "locked" in locked.content.decode()
    assert TimeEntry.objects.count() == 1


def test_return_needs_a_reason_and_the_project_list_costs_the_same_queries() -> None:
    world = build_time_world()
    member, manager = api(world.member), api(world.manager)
    ids = [call(member, "POST", "/time-entries", {"project_id": world.project.pk, "date": f"2027-01-0{day}",
                                                  "hours": "2"}).json()["id"] for day in (4, 5)]
    call(member, "POST", "/time-entries/submit", {"week": "2027-01-04"})
    assert call(manager, "POST", "/time-entries/return", {"time_entry_ids": ids, "reason": ""}).status_code == 422
    returned = call(manager, "POST", "/time-entries/return", {"time_entry_ids": ids, "reason": "Split by task"})
    assert [i["status"] for i in returned.json()["items"]] == ["rejected", "rejected"]
    with CaptureQueriesContext(connection) as few:
        listed = call(manager, "GET", f"/time-entries?project_id={world.project.pk}")
    assert listed.json()["count"] == 2
    for day in (6, 7, 8):
        call(member, "POST", "/time-entries", {"project_id": world.project.pk, "date": f"2027-01-0{day}", "hours": "1"})
    with CaptureQueriesContext(connection) as many:
        listed = call(manager, "GET", f"/time-entries?project_id={world.project.pk}")
    assert listed.json()["count"] == 5
    assert len(few) == len(many)
    assert sorted(TimeEntry.objects.values_list("status", "hours")) == [
        ("draft", Decimal("1.00"))] * 3 + [("rejected", Decimal("2.00"))] * 2

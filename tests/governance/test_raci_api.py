"""The RACI API: the matrix with its checks, rows, cells and my responsibilities."""

from __future__ import annotations

import pytest

from tandem.governance.models import RaciCell, RaciRow
from tests.conftest import client_for
from tests.governance.factories_raci import make_raci_world, set_letters

pytestmark = pytest.mark.django_db
API = "/api/v1"


def test_the_matrix_lists_people_rows_letters_and_checks() -> None:
    world = make_raci_world(people=2, rows=2)
    manager, member = world["manager"], world["members"][0]
    first, second = world["rows"]
    set_letters(first, manager, {manager: "A", member: "R"})
    set_letters(second, manager, {manager: "A", member: "A"})
    body = client_for(member).get(f"{API}/projects/{world['project'].pk}/raci").json()
    assert [person["key"] for person in body["people"]] == [f"user:{manager.pk}", f"user:{member.pk}"]
    assert [(row["id"], row["letters"], row["problems"], row["warnings"]) for row in body["rows"]] == [
        (first.pk, {f"user:{manager.pk}": "A", f"user:{member.pk}": "R"}, [], []),
        (second.pk, {f"user:{manager.pk}": "A", f"user:{member.pk}": "A"},
         ["Only one person can be Accountable: now 2", "Someone must be Responsible"], []),
    ]
    assert body["rows_needing_attention"] == 1


def test_rows_are_created_renamed_moved_and_deleted() -> None:
    world = make_raci_world(rows=1)
    client, project = client_for(world["manager"]), world["project"]
    created = client.post(f"{API}/projects/{project.pk}/raci/rows", {"kind": "activity", "activity": "Sign-off"},
                          content_type="application/json")
    assert created.status_code == 201
    row = created.json()
    assert (row["name"], row["position"], row["problems"]) == (
        "Sign-off", 1, ["Give this row one Accountable person", "Someone must be Responsible"])
    duplicate = client.post(f"{API}/projects/{project.pk}/raci/rows", {"kind": "task", "task_id": world["tasks"][0].pk},
                            content_type="application/json")
    assert duplicate.status_code == 422
    assert duplicate.json()["error"]["fields"] == {"task_id": ["This task already has a row in the matrix."]}
    patched = client.patch(f"{API}/raci-rows/{row['id']}", {"version": 1, "activity": "Final sign-off", "position": 0},
                           content_type="application/json")
    assert (patched.status_code, patched.json()["name"], patched.json()["position"]) == (200, "Final sign-off", 0)
    stale = client.patch(f"{API}/raci-rows/{row['id']}", {"version": 1, "activity": "Again"},
                         content_type="application/json")
    assert stale.status_code == 409
    assert client.delete(f"{API}/raci-rows/{row['id']}").status_code == 204
    assert list(RaciRow.objects.filter(project=project).values_list("pk", flat=True)) == [world["rows"][0].pk]


def test_a_cell_is_put_and_cleared_and_members_are_refused() -> None:
    world = make_raci_world(rows=1)
    manager, member, row = world["manager"], world["members"][0], world["rows"][0]
    url = f"{API}/raci-rows/{row.pk}/cells"
    answer = client_for(manager).put(url, {"person": f"user:{member.pk}", "letter": "R"}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["row"]["problems"] == ["Give this row one Accountable person"]
    refused = client_for(member).put(url, {"person": f"user:{member.pk}", "letter": "A"}, content_type="application/json")
    assert refused.status_code == 403
    assert list(RaciCell.objects.values_list("letter", flat=True)) == ["R"]
    wrong = client_for(manager).put(url, {"person": "user:0", "letter": "A"}, content_type="application/json")
    assert wrong.status_code == 422
    cleared = client_for(manager).put(url, {"person": f"user:{member.pk}", "letter": None},
                                      content_type="application/json")
    assert (cleared.status_code, cleared.json()["letter"]) == (200, None)
    assert RaciCell.objects.count() == 0


def test_my_responsibilities_filters_by_letter_and_open() -> None:
    world = make_raci_world(rows=2)
    manager, member = world["manager"], world["members"][0]
    set_letters(world["rows"][0], manager, {member: "R"})
    set_letters(world["rows"][1], manager, {member: "I"})
    client = client_for(member)
    body = client.get(f"{API}/me/responsibilities").json()
    assert [(item["row"], item["letter"]) for item in body["items"]] == [("Task 00", "R"), ("Task 01", "I")]
    body = client.get(f"{API}/me/responsibilities?letter=RA&open=true").json()
    assert [(item["row"], item["letter"], item["status"]) for item in body["items"]] == [("Task 00", "R", "To do")]

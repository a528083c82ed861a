"""The comments API: threads per record kind, posting (mentions as [{id, name}], the
message about people who may not see), editing with ``version``, deleting, a person's
activity; denials change nothing; list query counts flat."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tandem.core.models import Notification
from tandem.governance.models import Comment
from tandem.governance.services.comments import comment_post
from tests.conftest import client_for
from tests.delivery.factories import make_task
from tests.governance.factories_comments import Scene, make_scene

pytestmark = pytest.mark.django_db
API = "/api/v1"
# session, user, roles (3); the project (1); the capped count, the rows, their mentions (3).
THREAD_QUERIES = 7


@pytest.fixture
def scene() -> Scene:
    return make_scene()


def _post(client: Client, body: dict[str, Any]) -> Any:
    return client.post(f"{API}/comments", body, content_type="application/json")


def test_post_and_read_back(scene: Scene) -> None:
    client = client_for(scene.manager)
    response = _post(client, {"project_id": scene.project.pk, "body": "Hi @Mel Member and @Nadia Novak"})
    assert response.status_code == 201
    data = response.json()
    comment = Comment.objects.get()
    assert data["id"] == comment.pk
    assert data["version"] == 1
    assert data["target"] == {"kind": "project", "id": scene.project.pk, "name": "ATL-1 Atlas rollout"}
    assert data["author"] == {"id": scene.manager.pk, "name": "Pam Project"}
    assert data["mentions"] == [{"id": scene.member.pk, "name": "Mel Member"}]
    assert data["messages"] == ["Nadia cannot see this project, so Nadia was not notified."]
    assert data["url"] == f"/governance/projects/{scene.project.pk}/activity/#comment-{comment.pk}"
    listed = client_for(scene.member).get(f"{API}/projects/{scene.project.pk}/comments").json()
    assert listed["count"] == 1
    assert [item["body"] for item in listed["items"]] == ["Hi @Mel Member and @Nadia Novak"]


def test_post_names_exactly_one_record(scene: Scene) -> None:
    task = make_task(project=scene.project)
    response = _post(client_for(scene.manager), {"project_id": scene.project.pk, "task_id": task.pk, "body": "x"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "target": ["Name exactly one record: account_id, project_id, task_id, risk_id or meeting_id."]}
    empty = _post(client_for(scene.manager), {"project_id": scene.project.pk, "body": ""})
    assert empty.status_code == 422
    assert list(empty.json()["error"]["fields"]) == ["body"]
    assert Comment.objects.count() == 0


def test_post_denials_change_nothing(scene: Scene) -> None:
    body = {"project_id": scene.project.pk, "body": "@Pam Project hello"}
    assert _post(client_for(scene.executive), body).status_code == 403
    assert _post(client_for(scene.outsider), body).status_code == 404
    assert client_for(scene.outsider).get(f"{API}/projects/{scene.project.pk}/comments").status_code == 404
    assert Comment.objects.count() == 0
    assert Notification.objects.count() == 0


def test_patch_and_delete(scene: Scene) -> None:
    comment = comment_post(actor=scene.member, target=scene.project, body="first").comment
    author = client_for(scene.member)
    url = f"{API}/comments/{comment.pk}"
    changed = author.patch(url, {"version": 1, "body": "second @Pam Project"}, content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    assert changed.json()["edited_at"] is not None
    assert changed.json()["mentions"] == [{"id": scene.manager.pk, "name": "Pam Project"}]
    stale = author.patch(url, {"version": 1, "body": "third"}, content_type="application/json")
    assert stale.status_code == 409
    other = client_for(scene.manager).patch(url, {"version": 2, "body": "mine now"}, content_type="application/json")
    assert other.status_code == 403
    assert client_for(scene.manager).delete(url).status_code == 403
    assert Comment.objects.get().body == "second @Pam Project"
    assert author.delete(f"{url}?version=1").status_code == 409
    assert author.delete(f"{url}?version=2").status_code == 204
    assert Comment.objects.count() == 0


def test_person_activity(scene: Scene) -> None:
    comment_post(actor=scene.manager, target=scene.project, body="@Mel Member look")
    comment_post(actor=scene.member, target=scene.project, body="looked")
    data = client_for(scene.manager).get(f"{API}/people/{scene.member.pk}/activity").json()
    assert [item["body"] for item in data["items"]] == ["looked", "@Mel Member look"]
    mentions = client_for(scene.member).get(f"{API}/people/{scene.member.pk}/activity?mentions=true").json()
    assert [item["body"] for item in mentions["items"]] == ["@Mel Member look"]
    assert client_for(scene.outsider).get(f"{API}/people/{scene.member.pk}/activity").json()["count"] == 0


@pytest.mark.parametrize("count", [1, 30])
def test_thread_list_queries_flat(scene: Scene, count: int, django_assert_num_queries: Any) -> None:
    for number in range(count):
        comment_post(actor=scene.manager, target=scene.project, body=f"{number} @Mel Member")
    client = client_for(scene.member)
    url = f"{API}/projects/{scene.project.pk}/comments"
    with django_assert_num_queries(THREAD_QUERIES):
        response = client.get(url)
    assert response.json()["count"] == count
    assert response.json()["items"][0]["mentions"] == [{"id": scene.member.pk, "name": "Mel Member"}]

"""Comment services: mentions (tokens, plain names, e-mail local parts, longest match,
unknown names, people who may not see the record), notifications with their exact
recipients and keys, edits notifying only new mentions, permissions, the event."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tandem.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from tandem.core.events import _SINKS, Event
from tandem.core.models import Notification
from tandem.core.roles import Role
from tandem.governance.models import Comment
from tandem.governance.services.comments import (
    comment_delete,
    comment_edit,
    comment_post,
    excerpt,
    parse_mentions,
)
from tests.clients.factories import make_account
from tests.delivery.factories import make_task
from tests.factories import make_user
from tests.governance.factories_comments import Scene, make_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene() -> Scene:
    return make_scene()


@pytest.fixture
def events() -> Any:
    seen: list[Event] = []
    _SINKS.append(seen.append)
    yield seen
    _SINKS.remove(seen.append)


def _keys() -> list[tuple[str, str, str]]:
    return sorted(Notification.objects.values_list("recipient__email", "kind", "key"))


# --- Parsing ---------------------------------------------------------------------------------


def test_parse_token_plain_name_and_email_local_part(scene: Scene) -> None:
    body = f"@[Pam Project](user:{scene.manager.pk}) and @mel.m, also @nadia novak!"
    assert [user.pk for user in parse_mentions(body)] == [scene.manager.pk, scene.member.pk, scene.outsider.pk]


def test_parse_longest_match_first(scene: Scene) -> None:
    longer = make_user(full_name="Mel Member Jr", email="jr@example.test")
    assert parse_mentions("thanks @Mel Member Jr.") == [longer]
    assert parse_mentions("thanks @mel member.") == [scene.member]


def test_parse_unknown_name_email_address_and_inactive(scene: Scene) -> None:
    scene.outsider.is_active = False
    scene.outsider.save(update_fields=["is_active"])
    assert parse_mentions("@nobody here, write to pam@example.test, @Nadia Novak") == []
    # A token naming an unknown id is not a mention either.
    assert parse_mentions("@[Ghost](user:999999)") == []


def test_parse_name_must_end_at_a_word_boundary(scene: Scene) -> None:
    assert parse_mentions("@pamela is not Pam") == []
    assert parse_mentions("cc @pam") == [scene.manager]


# --- Posting ----------------------------------------------------------------------------------


def test_post_mentions_notify_by_app_and_email_and_manager_told(scene: Scene) -> None:
    author = make_user(role=Role.ADMIN, full_name="Ada Admin", email="ada@example.test")
    result = comment_post(actor=author, target=scene.project, body="Kickoff moved, @Mel Member please check")
    comment = result.comment
    assert list(comment.mentions.all()) == [scene.member]
    assert result.messages == []
    assert _keys() == [
        ("mel.m@example.test", "mention", f"comment:{comment.pk}:mention:{scene.member.pk}"),
        ("pam@example.test", "comment", f"comment:{comment.pk}:comment:{scene.manager.pk}"),
    ]
    mention = Notification.objects.get(kind="mention")
    assert mention.title == "Ada Admin mentioned you on ATL-1 Atlas rollout"
    assert mention.url == f"/governance/projects/{scene.project.pk}/activity/#comment-{comment.pk}"
    assert mention.body == "Kickoff moved, @Mel Member please check"


def test_post_email_copy_sent_to_the_mentioned_only(scene: Scene, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        comment_post(actor=scene.manager, target=scene.project, body="@mel.m see the plan")
    assert [message.to for message in mail.outbox] == [["mel.m@example.test"]]
    assert mail.outbox[0].subject == "[Tandem] Pam Project mentioned you on ATL-1 Atlas rollout"


def test_post_the_manager_writing_is_not_told_and_a_mentioned_manager_gets_one(scene: Scene) -> None:
    result = comment_post(actor=scene.member, target=scene.project, body="@Pam Project can you approve?")
    assert _keys() == [("pam@example.test", "mention", f"comment:{result.comment.pk}:mention:{scene.manager.pk}")]
    Notification.objects.all().delete()
    comment_post(actor=scene.manager, target=scene.project, body="Done.")
    assert _keys() == []


def test_mention_of_someone_who_cannot_see_is_text_and_author_is_told(scene: Scene) -> None:
    result = comment_post(actor=scene.manager, target=scene.project, body="@Nadia Novak and @Mel Member")
    assert list(result.comment.mentions.all()) == [scene.member]
    assert result.messages == ["Nadia cannot see this project, so Nadia was not notified."]
    assert not Notification.objects.filter(recipient=scene.outsider).exists()


def test_task_comment_tells_its_assignees(scene: Scene) -> None:
    from tandem.delivery.services.plan import task_assign

    task = make_task(project=scene.project, name="Design review")
    task_assign(actor=None, task=task, user=scene.member)
    result = comment_post(actor=scene.manager, target=task, body="Ready?")
    assert _keys() == [("mel.m@example.test", "comment", f"comment:{result.comment.pk}:comment:{scene.member.pk}")]
    assert Notification.objects.get().url == f"/governance/tasks/{task.pk}/discussion/#comment-{result.comment.pk}"


def test_account_comment_tells_the_owner_and_routes_by_account(scene: Scene, events: list[Event]) -> None:
    owner = make_user(role=Role.ACCOUNT_MANAGER, full_name="Alan Account", email="alan@example.test")
    account = make_account(owner=owner, name="Northwind")
    admin = make_user(role=Role.ADMIN, full_name="Ada Admin", email="ada@example.test")
    result = comment_post(actor=admin, target=account, body="Renewal talk next week")
    assert _keys() == [("alan@example.test", "comment", f"comment:{result.comment.pk}:comment:{owner.pk}")]
    [event] = [event for event in events if event.type == "comment.posted"]
    assert (event.project_id, event.account_id, event.team_ids) == (None, account.pk, ())
    assert event.data["target"] == {"kind": "account", "id": account.pk, "name": "Northwind"}


def test_event_published_with_project_routing(scene: Scene, events: list[Event]) -> None:
    result = comment_post(actor=scene.member, target=scene.project,
                          body=f"Budget looks tight @[Pam Project](user:{scene.manager.pk}) " + "x" * 300)
    [event] = [event for event in events if event.type == "comment.posted"]
    assert event.actor_id == scene.member.pk
    assert event.project_id == scene.project.pk
    assert event.account_id == scene.project.account_id
    assert event.data["comment_id"] == result.comment.pk
    assert event.data["author"] == "Mel Member"
    assert event.data["mentions"] == ["Pam Project"]
    assert event.data["excerpt"] == excerpt(result.comment.body)
    assert event.data["excerpt"].startswith("Budget looks tight @Pam Project xxx")
    assert len(event.data["excerpt"]) == 200
    assert event.data["url"] == f"/governance/projects/{scene.project.pk}/activity/#comment-{result.comment.pk}"


# --- Permissions -----------------------------------------------------------------------------------


def test_executive_reads_only(scene: Scene) -> None:
    with pytest.raises(PermissionDeniedError):
        comment_post(actor=scene.executive, target=scene.project, body="hello")
    assert Comment.objects.count() == 0
    assert Notification.objects.count() == 0


def test_outsider_cannot_post_on_a_record_they_do_not_see(scene: Scene) -> None:
    with pytest.raises(NotFoundError):
        comment_post(actor=scene.outsider, target=scene.project, body="hello @Pam Project")
    assert Comment.objects.count() == 0
    assert Notification.objects.count() == 0


def test_empty_body_is_refused_on_its_field(scene: Scene) -> None:
    with pytest.raises(ValidationError) as error:
        comment_post(actor=scene.member, target=scene.project, body="   ")
    assert error.value.message_dict == {"body": ["Write something before posting."]}
    assert Comment.objects.count() == 0


# --- Edits and deletions ----------------------------------------------------------------------------


def test_edit_notifies_only_new_mentions_and_marks_edited(scene: Scene) -> None:
    other = make_user(role=Role.MEMBER, full_name="Omar Other", email="omar@example.test")
    from tandem.delivery.services.projects import project_member_add

    project_member_add(actor=None, project=scene.project, user=other)
    comment = comment_post(actor=scene.manager, target=scene.project, body="@Mel Member look").comment
    Notification.objects.all().delete()
    result = comment_edit(actor=scene.manager, comment=comment, body="@Mel Member and @Omar Other look",
                          expected_version=comment.version)
    assert result.comment.edited_at is not None
    assert sorted(user.pk for user in result.comment.mentions.all()) == sorted([scene.member.pk, other.pk])
    assert _keys() == [("omar@example.test", "mention", f"comment:{comment.pk}:mention:{other.pk}")]
    assert result.comment.version == 2


def test_edit_by_someone_else_and_stale_version_change_nothing(scene: Scene) -> None:
    comment = comment_post(actor=scene.member, target=scene.project, body="first").comment
    with pytest.raises(PermissionDeniedError):
        comment_edit(actor=scene.manager, comment=comment, body="hacked", expected_version=1)
    comment_edit(actor=scene.member, comment=comment, body="second", expected_version=1)
    stale = Comment.objects.get(pk=comment.pk)
    with pytest.raises(ConflictError):
        comment_edit(actor=scene.member, comment=stale, body="third", expected_version=1)
    assert Comment.objects.get(pk=comment.pk).body == "second"


def test_delete_by_author_or_admin_only(scene: Scene) -> None:
    comment = comment_post(actor=scene.member, target=scene.project, body="to go").comment
    with pytest.raises(PermissionDeniedError):
        comment_delete(actor=scene.manager, comment=comment)
    assert Comment.objects.filter(pk=comment.pk).exists()
    admin = make_user(role=Role.ADMIN)
    comment_delete(actor=admin, comment=comment)
    assert not Comment.objects.filter(pk=comment.pk).exists()

"""Comment pages and HTMX: the thread (query counts pinned at 1 and 40 comments),
posting, editing and deleting in place, XSS inert, the Activity tab, the task's
discussion, a person's feed, the account section and timeline, the Mentions card."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.core.models import Notification
from tandem.core.roles import Role
from tandem.governance.models import Comment
from tandem.governance.selectors.comments import render_body
from tandem.governance.services.comments import comment_post
from tests.clients.factories import make_account
from tests.delivery.factories import make_task
from tests.factories import make_user
from tests.governance.factories_comments import Scene, make_scene

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def scene() -> Scene:
    return make_scene()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _thread_url(scene: Scene) -> str:
    return reverse("governance:project_comments", kwargs={"project_id": scene.project.pk})


# --- Rendering ---------------------------------------------------------------------------------


def test_render_escapes_everything_but_mentions_and_links(scene: Scene) -> None:
    body = (f'<script>alert(1)</script> @[Pam Project](user:{scene.manager.pk}) see https://example.test/a?b=1&c=2. '
            '<img src=x onerror=alert(2)> @Mel Member "q"')
    html = render_body(body, [scene.manager, scene.member])
    pam = reverse("people:user_detail", kwargs={"user_id": scene.manager.pk})
    mel = reverse("people:user_detail", kwargs={"user_id": scene.member.pk})
    assert html == (
        f'&lt;script&gt;alert(1)&lt;/script&gt; <a class="comment-mention" href="{pam}">@Pam Project</a> see '
        '<a href="https://example.test/a?b=1&amp;c=2" rel="nofollow noopener" target="_blank">'
        'https://example.test/a?b=1&amp;c=2</a>. &lt;img src=x onerror=alert(2)&gt; '
        f'<a class="comment-mention" href="{mel}">@Mel Member</a> &quot;q&quot;'
    )


def test_render_token_of_someone_not_mentioned_stays_text(scene: Scene) -> None:
    assert render_body(f"@[Nadia <b>](user:{scene.outsider.pk})\nok", []) == "@Nadia &lt;b&gt;<br>ok"


def test_xss_payload_posted_is_inert_on_the_page(scene: Scene) -> None:
    comment_post(actor=scene.member, target=scene.project, body='<script>alert("x")</script>')
    response = _client(scene.member).get(_thread_url(scene), headers=HX)
    assert response.status_code == 200
    assert b'<script>alert("x")' not in response.content
    assert b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.content


# --- The thread ---------------------------------------------------------------------------------


def _thread_queries(scene: Scene, count: int, django_assert_num_queries: Any) -> bytes:
    for number in range(count):
        comment_post(actor=scene.member if number % 2 else scene.manager, target=scene.project,
                     body=f"note {number} @Mel Member @Pam Project")
    client = _client(scene.member)
    client.get(_thread_url(scene), headers=HX)  # session and user warmed
    with django_assert_num_queries(6):
        response = client.get(_thread_url(scene), headers=HX)
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("count", [1, 40])
def test_thread_query_count_is_flat(scene: Scene, count: int, django_assert_num_queries: Any) -> None:
    content = _thread_queries(scene, count, django_assert_num_queries)
    assert content.count(b'data-testid="comment"') == count


def test_thread_shows_fifty_newest_with_show_earlier(scene: Scene) -> None:
    comments = [comment_post(actor=scene.manager, target=scene.project, body=f"n{n}").comment for n in range(52)]
    client = _client(scene.member)
    response = client.get(_thread_url(scene), headers=HX)
    text = response.content.decode()
    assert text.count('data-testid="comment"') == 50
    assert f"?before={comments[2].pk}" in text
    assert text.index(">n2<") < text.index(">n51<")  # oldest first
    earlier = client.get(f"{_thread_url(scene)}?before={comments[2].pk}", headers=HX).content.decode()
    assert earlier.count('data-testid="comment"') == 2
    assert "Show earlier" not in earlier


def test_thread_hidden_from_outsider(scene: Scene) -> None:
    assert _client(scene.outsider).get(_thread_url(scene), headers=HX).status_code == 404


# --- Writing through HTMX and without JavaScript ------------------------------------------------


def test_post_htmx_redraws_the_thread_with_the_message(scene: Scene) -> None:
    response = _client(scene.manager).post(reverse("governance:comment_post"), {
        "target_kind": "project", "target_id": scene.project.pk, "body": "Hi @Nadia Novak and @mel.m",
    }, headers=HX)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nadia cannot see this project, so Nadia was not notified." in text
    comment = Comment.objects.get()
    assert f'id="comment-{comment.pk}"' in text
    assert list(comment.mentions.all()) == [scene.member]


def test_post_without_javascript_redirects_to_the_comment(scene: Scene) -> None:
    response = _client(scene.member).post(reverse("governance:comment_post"), {
        "target_kind": "project", "target_id": scene.project.pk, "body": "plain post",
    })
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/governance/projects/{scene.project.pk}/activity/#comment-{comment.pk}"


def test_post_empty_body_answers_422_on_the_field(scene: Scene) -> None:
    response = _client(scene.member).post(reverse("governance:comment_post"), {
        "target_kind": "project", "target_id": scene.project.pk, "body": " ",
    }, headers=HX)
    assert response.status_code == 200  # swapped in place (htmx swaps success answers)
    assert b"Write something before posting." in response.content
    assert Comment.objects.count() == 0
    plain = _client(scene.member).post(reverse("governance:comment_post"), {
        "target_kind": "project", "target_id": scene.project.pk, "body": ""})
    assert plain.status_code == 422
    assert b"Write something before posting." in plain.content


def test_post_denials_change_nothing(scene: Scene) -> None:
    data = {"target_kind": "project", "target_id": scene.project.pk, "body": "x @Pam Project"}
    assert _client(scene.executive).post(reverse("governance:comment_post"), data, headers=HX).status_code == 403
    assert _client(scene.outsider).post(reverse("governance:comment_post"), data, headers=HX).status_code == 404
    assert Comment.objects.count() == 0
    assert Notification.objects.count() == 0


def test_edit_in_place_and_delete(scene: Scene) -> None:
    comment = comment_post(actor=scene.member, target=scene.project, body="first").comment
    client = _client(scene.member)
    url = reverse("governance:comment_edit", kwargs={"comment_id": comment.pk})
    form = client.get(url, headers=HX)
    assert form.status_code == 200 and b'name="version" value="1"' in form.content
    saved = client.post(url, {"body": "second", "version": 1}, headers=HX)
    assert saved.status_code == 200 and b"second" in saved.content and b"edited" in saved.content
    stale = client.post(url, {"body": "third", "version": 1}, headers=HX)
    assert stale.status_code == 200 and b"Someone changed this comment" in stale.content
    assert client.post(url, {"body": "third", "version": 1}).status_code == 422
    assert _client(scene.manager).post(url, {"body": "not mine", "version": 2}, headers=HX).status_code == 403
    delete = reverse("governance:comment_delete", kwargs={"comment_id": comment.pk})
    assert _client(scene.manager).post(delete, headers=HX).status_code == 403
    assert Comment.objects.get().body == "second"
    assert client.post(delete, headers=HX).status_code == 200
    assert Comment.objects.count() == 0


# --- Pages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 40])
def test_activity_tab_lists_comments_of_project_tasks_and_history(
    scene: Scene, extra: int, django_assert_num_queries: Any,
) -> None:
    task = make_task(project=scene.project, name="Wireframes")
    comment_post(actor=scene.manager, target=scene.project, body="On the project")
    comment_post(actor=scene.member, target=task, body="On the task")
    for number in range(extra):
        comment_post(actor=scene.manager, target=task if number % 2 else scene.project, body=f"more {number} @Mel Member")
    client = _client(scene.member)
    url = reverse("governance:project_activity", kwargs={"project_id": scene.project.pk})
    client.get(url)
    with django_assert_num_queries(12):
        response = client.get(url)
    text = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="page"' in text and "Activity" in text
    assert text.count('data-kind="comment"') == 2 + extra
    assert "Mel Member on task Wireframes" in text
    assert f"/governance/tasks/{task.pk}/discussion/#comment-" in text
    assert 'data-kind="change"' in text  # the project's creation


def test_task_discussion_page(scene: Scene) -> None:
    task = make_task(project=scene.project, name="Wireframes")
    comment_post(actor=scene.manager, target=task, body="Start Monday")
    response = _client(scene.member).get(reverse("governance:task_discussion", kwargs={"task_id": task.pk}))
    assert response.status_code == 200
    assert b"Start Monday" in response.content
    assert _client(scene.outsider).get(reverse("governance:task_discussion", kwargs={"task_id": task.pk})).status_code == 404


def test_person_feed_and_mentions_filter(scene: Scene) -> None:
    comment_post(actor=scene.manager, target=scene.project, body="@Mel Member new")
    old = comment_post(actor=scene.manager, target=scene.project, body="@Mel Member old").comment
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    comment_post(actor=scene.member, target=scene.project, body="mine")
    client = _client(scene.member)
    url = reverse("governance:person_activity", kwargs={"user_id": scene.member.pk})
    full = client.get(url).content.decode()
    assert full.count('data-kind="comment"') == 3
    mentions = client.get(url + "?mentions=1").content.decode()
    assert mentions.count('data-kind="comment"') == 1
    assert 'data-kind="change"' not in mentions
    # The outsider sees the person but none of these comments.
    outsider_view = _client(scene.outsider).get(url).content.decode()
    assert 'data-kind="comment"' not in outsider_view


def test_mentions_home_card_counts_exactly_the_filtered_feed(scene: Scene) -> None:
    from tandem.core import home

    comment_post(actor=scene.manager, target=scene.project, body="@Mel Member one")
    comment_post(actor=scene.manager, target=scene.project, body="@mel.m two")
    [card] = [card for card in home.cards_for(scene.member) if card.key == "mentions"]
    assert card.count == 2
    assert card.url == f"/governance/people/{scene.member.pk}/activity/?mentions=1"
    assert card.caption == "mentions of me in the last 7 days"
    page = _client(scene.member).get(card.url).content.decode()
    assert page.count('data-kind="comment"') == 2
    assert not [card for card in home.cards_for(scene.outsider) if card.key == "mentions"]


def test_account_page_discussion_and_timeline(scene: Scene) -> None:
    owner = make_user(role=Role.ACCOUNT_MANAGER, full_name="Alan Account", email="alan@example.test")
    account = make_account(owner=owner, name="Northwind")
    comment_post(actor=owner, target=account, body="Renewal call booked")
    response = _client(owner).get(reverse("governance:account_relationship", kwargs={"account_id": account.pk}))
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="discussion"' in text and text.count("Renewal call booked") == 1  # the thread, on the Relationship tab
    timeline = _client(owner).get(reverse("clients:account_detail", kwargs={"account_id": account.pk})).content.decode()
    assert timeline.count("Renewal call booked") == 1 and "Alan Account commented" in timeline  # and the timeline


def test_mention_candidates_only_people_who_see_the_record(scene: Scene) -> None:
    url = reverse("governance:project_mention_candidates", kwargs={"project_id": scene.project.pk})
    people = _client(scene.manager).get(url, {"q": "m"}).json()["people"]
    assert people == [{"id": scene.member.pk, "name": "Mel Member", "token": f"@[Mel Member](user:{scene.member.pk})"}]
    assert _client(scene.manager).get(url, {"q": "nad"}).json() == {"people": []}
    assert _client(scene.outsider).get(url, {"q": "m"}).status_code == 404


@pytest.mark.parametrize("extra", [0, 30])
def test_task_discussions_list_counts_comments(scene: Scene, extra: int, django_assert_num_queries: Any) -> None:
    first = make_task(project=scene.project, name="Wireframes")
    make_task(project=scene.project, name="Copy")
    for number in range(3 + extra):
        comment_post(actor=scene.manager, target=first, body=f"c{number}")
    for number in range(extra):
        make_task(project=scene.project, name=f"Extra {number}")
    client = _client(scene.member)
    url = reverse("governance:project_task_discussions", kwargs={"project_id": scene.project.pk})
    client.get(url)
    with django_assert_num_queries(8):
        response = client.get(url)
    text = response.content.decode()
    assert text.count('data-testid="task-discussion-row"') == 2 + extra
    discussion = reverse("governance:task_discussion", kwargs={"task_id": first.pk})
    assert f'<a href="{discussion}">{3 + extra}</a>' in text
    activity = client.get(reverse("governance:project_activity", kwargs={"project_id": scene.project.pk}))
    assert url.encode() in activity.content

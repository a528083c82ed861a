"""Reads of comments: a record's thread, the activity feeds (per project, per person),
the mention picker's candidates, and the safe rendering of a body.

A body is plain text: everything is escaped; picker tokens ``@[Name](user:<id>)`` and
hand-typed ``@name`` of the people it mentions become links to their page; ``http(s)``
URLs become links. Nothing else of the text is markup, so a script stays text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tandem.core.history import RECORD_ACTIONS, HistoryRow, history_rows, rows_from_entries
from tandem.core.models import AuditEntry
from tandem.core.permissions import has_role, is_admin, policy_for, scoped, sees_everything
from tandem.core.roles import Role
from tandem.delivery.models import Project
from tandem.governance.models import Comment
from tandem.governance.services.comments import (
    TOKEN_RE,
    comment_target,
    comment_url,
    may_see,
    target_kind,
    target_name,
)
from tandem.people.models import User

THREAD_SHOWN = 50
FEED_PAGE = 50
MENTIONS_DAYS = 7
CANDIDATES = 8
URL_RE = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


# --- Rendering -----------------------------------------------------------------------------


def _person_link(user_id: int, name: str) -> str:
    url = reverse("people:user_detail", kwargs={"user_id": user_id})
    return f'<a class="comment-mention" href="{escape(url)}">@{escape(name)}</a>'


def _plain(text: str, names: list[tuple[str, int, str]]) -> str:
    """Escape ``text``, linking URLs and the hand-typed @names of mentioned people."""
    out: list[str] = []
    position = 0
    lowered = text.lower()
    pattern = re.compile(URL_RE.pattern + "|@", re.IGNORECASE)
    for match in pattern.finditer(text):
        start = match.start()
        if start < position:
            continue
        if match.group(0) == "@":
            hit = next(
                (item for item in names if lowered.startswith(item[0], start + 1)
                 and not (len(lowered) > start + 1 + len(item[0]) and (lowered[start + 1 + len(item[0])].isalnum()))),
                None,
            )
            if hit is None or (start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._+-")):
                continue
            out.append(escape(text[position:start]))
            out.append(_person_link(hit[1], text[start + 1:start + 1 + len(hit[0])]))
            position = start + 1 + len(hit[0])
            continue
        url = match.group(0)
        out.append(escape(text[position:start]))
        out.append(f'<a href="{escape(url)}" rel="nofollow noopener" target="_blank">{escape(url)}</a>')
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def render_body(body: str, mentions: list[Any]) -> SafeString:
    """The comment's body as safe HTML (see the module's docstring); line breaks kept."""
    names: list[tuple[str, int, str]] = []
    for user in mentions:
        if user.full_name.strip():
            names.append((user.full_name.strip().lower(), user.pk, user.full_name))
        names.append((user.email.split("@", 1)[0].lower(), user.pk, user.full_name))
    names.sort(key=lambda item: len(item[0]), reverse=True)
    mentioned_ids = {user.pk for user in mentions}
    out: list[str] = []
    position = 0
    for match in TOKEN_RE.finditer(body):
        out.append(_plain(body[position:match.start()], names))
        user_id = int(match.group("id"))
        if user_id in mentioned_ids:
            out.append(_person_link(user_id, match.group("name")))
        else:
            out.append(escape(f"@{match.group('name')}"))
        position = match.end()
    out.append(_plain(body[position:], names))
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 -- every piece escaped above


# --- The thread ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentRow:
    comment: Comment
    html: SafeString
    can_change: bool
    anchor: str


def _rows(viewer: Any, comments: list[Comment]) -> list[CommentRow]:
    policy = policy_for(Comment)
    return [
        CommentRow(
            comment=comment,
            html=render_body(comment.body, list(comment.mentions.all())),
            can_change=policy.can_change(viewer, comment),
            anchor=f"comment-{comment.pk}",
        )
        for comment in comments
    ]


def comments_on(viewer: Any, target: models.Model) -> QuerySet[Comment]:
    kind = target_kind(target)
    return (
        scoped(viewer, Comment).filter(**{kind: target})
        .select_related("author")
        .prefetch_related(models.Prefetch("mentions", queryset=User.objects.only("id", "full_name", "email")))
    )


def may_comment(viewer: Any) -> bool:
    return policy_for(Comment).can_create(viewer)


def thread_urls(target: models.Model) -> dict[str, str]:
    kind = target_kind(target)
    kwargs = {f"{kind}_id": target.pk}
    return {
        "thread": reverse(f"governance:{kind}_comments", kwargs=kwargs),
        "post": reverse("governance:comment_post"),
        "candidates": reverse(f"governance:{kind}_mention_candidates", kwargs=kwargs),
    }


def comment_thread(viewer: Any, target: models.Model, *, before: int | None = None) -> dict[str, Any]:
    """The context of ``governance/comments/_thread.html``: the newest
    :data:`THREAD_SHOWN` comments (before the comment ``before``, for "Show earlier"),
    oldest first; two queries (comments with authors, their mentions)."""
    queryset = comments_on(viewer, target)
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    newest = list(queryset.order_by("-created_at", "-id")[: THREAD_SHOWN + 1])
    earlier = len(newest) > THREAD_SHOWN
    shown = list(reversed(newest[:THREAD_SHOWN]))
    kind = target_kind(target)
    return {
        "target": target,
        "kind": kind,
        "target_id": target.pk,
        "name": target_name(target),
        "rows": _rows(viewer, shown),
        "earlier": shown[0].pk if earlier and shown else None,
        "may_comment": may_comment(viewer),
        "urls": thread_urls(target),
        "messages": [],
        "errors": {},
        "body": "",
    }


# --- Mention candidates --------------------------------------------------------------------


def mention_candidates(*, viewer: Any, target: models.Model, query: str) -> list[dict[str, Any]]:
    """Active people whose name or e-mail starts with ``query`` (any word of the name)
    and who may see ``target``: at most :data:`CANDIDATES` (each checked, a bounded
    number of queries)."""
    query = query.strip().lstrip("@")[:60]
    users = User.objects.filter(is_active=True).exclude(pk=viewer.pk).only("id", "full_name", "email")
    if query:
        users = users.filter(
            Q(full_name__istartswith=query) | Q(full_name__icontains=f" {query}") | Q(email__istartswith=query)
        )
    found = []
    for user in users.order_by("full_name", "id")[: CANDIDATES * 3]:
        if may_see(user, target):
            found.append({"id": user.pk, "name": user.full_name or user.email,
                          "token": f"@[{user.full_name or user.email}](user:{user.pk})"})
            if len(found) >= CANDIDATES:
                break
    return found


# --- Activity feeds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityEntry:
    at: dt.datetime
    kind: str  # "comment" or "change"
    title: str
    url: str
    comment: CommentRow | None = None
    change: HistoryRow | None = None


def _comment_entries(viewer: Any, comments: list[Comment]) -> list[ActivityEntry]:
    entries = []
    for row in _rows(viewer, comments):
        target = comment_target(row.comment)
        author = str(row.comment.author) if row.comment.author else "Someone"
        entries.append(ActivityEntry(
            at=row.comment.created_at, kind="comment",
            title=f"{author} on {target_kind(target)} {target_name(target)}",
            url=comment_url(row.comment, target), comment=row,
        ))
    return entries


def _with_targets(queryset: QuerySet[Comment]) -> QuerySet[Comment]:
    return queryset.select_related(
        "author", "account", "project", "task", "risk", "meeting",
    ).prefetch_related(models.Prefetch("mentions", queryset=User.objects.only("id", "full_name", "email")))


@dataclass(frozen=True)
class Feed:
    entries: list[ActivityEntry]
    page: int
    has_next: bool


def project_feed(*, viewer: Any, project: Project, page: int = 1) -> Feed:
    """Comments on the project, its tasks, risks and meetings (those the viewer sees)
    and the project's history, newest first, :data:`FEED_PAGE` a page."""
    page = max(1, page)
    upto = page * FEED_PAGE + 1
    comments = list(_with_targets(
        scoped(viewer, Comment).filter(
            Q(project=project) | Q(task__project=project) | Q(risk__project=project) | Q(meeting__project=project)
        )
    ).order_by("-created_at", "-id")[:upto])
    entries = _comment_entries(viewer, comments)
    url = reverse("delivery:project_detail", kwargs={"project_id": project.pk})
    for row in history_rows(project, viewer=viewer, limit=upto):
        entries.append(ActivityEntry(at=row.at, kind="change", title=row.summary, url=url, change=row))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    start = (page - 1) * FEED_PAGE
    return Feed(entries=entries[start:start + FEED_PAGE], page=page, has_next=len(entries) > start + FEED_PAGE)


def person_comments(*, viewer: Any, person: Any, mentions_only: bool = False) -> QuerySet[Comment]:
    """Comments ``person`` wrote or is mentioned in (``mentions_only``: mentioned in the
    last :data:`MENTIONS_DAYS` days), on records the viewer may see."""
    queryset = scoped(viewer, Comment)
    if mentions_only:
        since = timezone.now() - dt.timedelta(days=MENTIONS_DAYS)
        return queryset.filter(mentions=person, created_at__gte=since)
    mentioned = Comment.mentions.through.objects.filter(user_id=person.pk).values("comment_id")
    return queryset.filter(Q(author=person) | Q(pk__in=mentioned))


def may_see_changes_of(viewer: Any, person: Any) -> bool:
    """A person's changes (audit entries of any record) are shown to themselves and to
    those who see everything."""
    return viewer.pk == person.pk or sees_everything(viewer)


def person_feed(*, viewer: Any, person: Any, page: int = 1, mentions_only: bool = False) -> Feed:
    page = max(1, page)
    upto = page * FEED_PAGE + 1
    comments = list(_with_targets(person_comments(viewer=viewer, person=person, mentions_only=mentions_only))
                    .order_by("-created_at", "-id")[:upto])
    entries = _comment_entries(viewer, comments)
    if not mentions_only and may_see_changes_of(viewer, person):
        audit = list(AuditEntry.objects.filter(actor=person, action__in=RECORD_ACTIONS)
                     .select_related("actor").order_by("-at", "-id")[:upto])
        url = reverse("people:user_detail", kwargs={"user_id": person.pk})
        for row in rows_from_entries(audit, viewer=viewer, name_subject=True):
            entries.append(ActivityEntry(at=row.at, kind="change", title=row.summary, url=url, change=row))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    start = (page - 1) * FEED_PAGE
    return Feed(entries=entries[start:start + FEED_PAGE], page=page, has_next=len(entries) > start + FEED_PAGE)


def recent_mentions(user: Any) -> QuerySet[Comment]:
    """The home card's list: comments mentioning ``user`` in the last 7 days."""
    return person_comments(viewer=user, person=user, mentions_only=True)


def may_post(user: Any) -> bool:
    return is_admin(user) or has_role(user, Role.PROJECT_MANAGER, Role.ACCOUNT_MANAGER, Role.MEMBER)



def task_discussions(*, viewer: Any, project: Project, page: Any = 1) -> Any:
    """The project's tasks in plan order with the number of comments the viewer sees
    on each, a page of :data:`FEED_PAGE` (two queries: count and rows)."""
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from tandem.core.pagination import paginate
    from tandem.delivery.models import Task

    counted = (scoped(viewer, Comment).filter(task=OuterRef("pk")).order_by().values("task")
               .annotate(total=Count("pk")).values("total"))
    tasks = (Task.objects.filter(project=project)
             .annotate(comment_count=Coalesce(Subquery(counted), 0))
             .only("id", "name", "wbs", "outline_level", "project_id")
             .order_by("outline_index", "id"))
    return paginate(tasks, page, FEED_PAGE)

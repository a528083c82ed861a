"""Comments with @mentions on accounts, projects, tasks, risks and meetings.

``comment_post`` / ``comment_edit`` / ``comment_delete`` are the only writes of
:class:`~tandem.governance.models.Comment`. Who may comment: whoever may create
comments (``CommentPolicy.can_create``: executives read only) on a record they see.
Mentions come from the body: ``@[Full Name](user:<id>)`` tokens written by the mention
picker and plain ``@name`` typed by hand (the full name or the e-mail's local part of an
active user, case-insensitive, longest match first). Only people who may see the record
are mentioned; the others stay text and :attr:`CommentResult.messages` tells the author.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tandem.clients.models import Account
from tandem.core.errors import NotFoundError
from tandem.core.events import event_publish
from tandem.core.notifications import notification_send
from tandem.core.permissions import require_change, require_create, scoped
from tandem.core.services import model_create, model_delete, model_update
from tandem.delivery.events import project_event_scope
from tandem.delivery.models import Project, Task
from tandem.governance.models import Comment, Meeting, Risk
from tandem.governance.models.comments import COMMENT_TARGETS
from tandem.people.models import User

BODY_LIMIT = 10_000
EXCERPT_LENGTH = 200
TOKEN_RE = re.compile(r"@\[(?P<name>[^\]\n]{1,150})\]\(user:(?P<id>\d{1,12})\)")
TARGET_MODELS: dict[str, type[models.Model]] = {
    "account": Account, "project": Project, "task": Task, "risk": Risk, "meeting": Meeting,
}


@dataclass
class CommentResult:
    comment: Comment
    messages: list[str] = field(default_factory=list)
    notified: list[Any] = field(default_factory=list)


# --- Targets ---------------------------------------------------------------------------


def target_kind(target: models.Model) -> str:
    for kind, model in TARGET_MODELS.items():
        if isinstance(target, model):
            return kind
    raise TypeError(f"Comments are not kept on {type(target).__name__}.")


def comment_target(comment: Comment) -> models.Model:
    for kind in COMMENT_TARGETS:
        value = getattr(comment, kind)
        if value is not None:
            return value
    raise ValueError("comment without a record")


def target_name(target: models.Model) -> str:
    if isinstance(target, Project):
        return f"{target.code} {target.name}"
    if isinstance(target, Task):
        return target.name
    if isinstance(target, Account):
        return target.name
    return str(getattr(target, "title", target))


def target_project(target: models.Model) -> Project | None:
    if isinstance(target, Project):
        return target
    if isinstance(target, Task | Risk | Meeting):
        return target.project
    return None


def target_account_id(target: models.Model) -> int | None:
    if isinstance(target, Account):
        return target.pk
    return getattr(target, "account_id", None)


def _reverse_or_none(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def target_url(target: models.Model) -> str:
    """The page showing the record's discussion (risk and meeting pages when they exist,
    else the project's Activity tab or the account page)."""
    if isinstance(target, Account):
        return reverse("clients:account_detail", kwargs={"account_id": target.pk}) + "#discussion"
    if isinstance(target, Project):
        return reverse("governance:project_activity", kwargs={"project_id": target.pk})
    if isinstance(target, Task):
        return reverse("governance:task_discussion", kwargs={"task_id": target.pk})
    kind = target_kind(target)
    own = _reverse_or_none(f"governance:{kind}_detail", **{f"{kind}_id": target.pk})
    if own:
        return own
    project_id = getattr(target, "project_id", None)
    if project_id:
        return reverse("governance:project_activity", kwargs={"project_id": project_id})
    return reverse("clients:account_detail", kwargs={"account_id": target.account_id}) + "#discussion"  # type: ignore[attr-defined]


def comment_url(comment: Comment, target: models.Model | None = None) -> str:
    return f"{target_url(target or comment_target(comment))}#comment-{comment.pk}"


def may_see(user: Any, target: models.Model) -> bool:
    return scoped(user, type(target)).filter(pk=target.pk).exists()


def _owners(target: models.Model) -> list[Any]:
    """Who looks after the record: account owner, project manager, risk owner,
    meeting organizer, task assignees."""
    if isinstance(target, Account):
        return [target.owner] if target.owner_id else []
    if isinstance(target, Project):
        return [target.manager] if target.manager_id else []
    if isinstance(target, Risk):
        return [target.owner] if target.owner_id else []
    if isinstance(target, Meeting):
        return [target.organizer] if target.organizer_id else []
    if isinstance(target, Task):
        return list(target.assignees.filter(is_active=True))
    return []


# --- Mentions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    user: Any
    start: int
    end: int


def _is_word(char: str) -> bool:
    return char.isalnum() or char in "_-"


def parse_mentions(body: str, users: list[Any] | None = None) -> list[Any]:
    """The users named in ``body`` in order of appearance, each once: picker tokens
    first-class, then plain ``@name`` (full name or e-mail local part, longest first)."""
    if users is None:
        users = list(User.objects.filter(is_active=True).only("id", "full_name", "email"))
    by_id = {user.pk: user for user in users}
    found: list[tuple[int, Any]] = []
    covered: list[tuple[int, int]] = []
    for match in TOKEN_RE.finditer(body):
        user = by_id.get(int(match.group("id")))
        covered.append(match.span())
        if user is not None:
            found.append((match.start(), user))
    names: list[tuple[str, Any]] = []
    for user in users:
        if user.full_name.strip():
            names.append((user.full_name.strip().lower(), user))
        local = user.email.split("@", 1)[0].lower()
        if local:
            names.append((local, user))
    names.sort(key=lambda item: len(item[0]), reverse=True)
    lowered = body.lower()
    for match in re.finditer("@", body):
        start = match.start()
        if any(a <= start < b for a, b in covered):
            continue
        if start > 0 and (_is_word(body[start - 1]) or body[start - 1] in ".+"):
            continue  # an e-mail address, not a mention
        rest = lowered[start + 1:]
        for name, user in names:
            if rest.startswith(name) and not (len(rest) > len(name) and _is_word(rest[len(name)])):
                found.append((start, user))
                break
    found.sort(key=lambda item: item[0])
    seen: set[int] = set()
    ordered = []
    for _, user in found:
        if user.pk not in seen:
            seen.add(user.pk)
            ordered.append(user)
    return ordered


def _first_name(user: Any) -> str:
    return (user.full_name or user.email).split()[0]


def _mentionable(actor: Any, target: models.Model, body: str) -> tuple[list[Any], list[str]]:
    """Users named in ``body`` who may see ``target`` (the author aside), and the
    messages about the others."""
    mentioned, messages = [], []
    noun = target_kind(target)
    for user in parse_mentions(body):
        if user.pk == getattr(actor, "pk", None):
            continue
        if may_see(user, target):
            mentioned.append(user)
        else:
            messages.append(f"{_first_name(user)} cannot see this {noun}, so {_first_name(user)} was not notified.")
    return mentioned, messages


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something before posting."})
    if len(body) > BODY_LIMIT:
        raise ValidationError({"body": f"A comment holds at most {BODY_LIMIT:,} characters."})
    return body


def plain_text(body: str) -> str:
    """The body with picker tokens as ``@Full Name`` (excerpts, e-mails, chat)."""
    return TOKEN_RE.sub(lambda match: f"@{match.group('name')}", body)


def excerpt(body: str, length: int = EXCERPT_LENGTH) -> str:
    text = " ".join(plain_text(body).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# --- Notifications and the event -----------------------------------------------------------


def _notify(actor: Any, comment: Comment, target: models.Model, mentioned: list[Any], *, owners: bool) -> list[Any]:
    url = comment_url(comment, target)
    author = str(actor) if actor is not None else "Someone"
    name = target_name(target)
    text = excerpt(comment.body)
    notified = []
    for user in mentioned:
        if notification_send(
            recipient=user, kind="mention", key=f"comment:{comment.pk}:mention:{user.pk}",
            title=f"{author} mentioned you on {name}", body=text, url=url, email=True,
        ) is not None:
            notified.append(user)
    if owners:
        mentioned_ids = {user.pk for user in mentioned}
        for owner in _owners(target):
            if owner.pk == getattr(actor, "pk", None) or owner.pk in mentioned_ids or not may_see(owner, target):
                continue
            if notification_send(
                recipient=owner, kind="comment", key=f"comment:{comment.pk}:comment:{owner.pk}",
                title=f"{author} commented on {name}", body=text, url=url,
            ) is not None:
                notified.append(owner)
    return notified


def _publish(actor: Any, comment: Comment, target: models.Model, mentioned: list[Any]) -> None:
    project = target_project(target)
    scope: dict[str, Any] = project_event_scope(project) if project is not None else {"account_id": target_account_id(target)}
    event_publish(
        type="comment.posted", actor=actor, **scope,
        data={
            "comment_id": comment.pk,
            "target": {"kind": target_kind(target), "id": target.pk, "name": target_name(target)},
            "excerpt": excerpt(comment.body),
            "author": str(actor) if actor is not None else "",
            "mentions": [str(user) for user in mentioned],
            "url": comment_url(comment, target),
        },
    )


# --- Writes -------------------------------------------------------------------------------


@transaction.atomic
def comment_post(*, actor: Any, target: models.Model, body: str, quiet: bool = False) -> CommentResult:
    """Post ``body`` on ``target`` (a record the actor sees): mentions notified (in-app
    and e-mail), the record's owners told, ``comment.posted`` published. ``quiet``
    (the demo loader writing past threads) records the comment and its mentions only:
    no notifications, e-mails or event for what is history, not news."""
    kind = target_kind(target)
    if not may_see(actor, target):
        raise NotFoundError(f"No {kind} with id {target.pk!r}.")
    require_create(actor, Comment)
    text = _clean_body(body)
    mentioned, messages = _mentionable(actor, target, text)
    comment = model_create(actor=actor, model=Comment, data={kind: target, "author": actor, "body": text})
    comment.mentions.set(mentioned)
    if quiet:
        return CommentResult(comment=comment, messages=messages)
    notified = _notify(actor, comment, target, mentioned, owners=True)
    _publish(actor, comment, target, mentioned)
    return CommentResult(comment=comment, messages=messages, notified=notified)


@transaction.atomic
def comment_edit(*, actor: Any, comment: Comment, body: str, expected_version: int | None = None) -> CommentResult:
    """The author rewrites the comment (stale ``expected_version``: 409); only people
    newly mentioned are notified."""
    if comment.author_id != getattr(actor, "pk", None):
        from tandem.core.errors import PermissionDeniedError

        raise PermissionDeniedError("Only its author edits a comment.")
    require_change(actor, comment)
    text = _clean_body(body)
    target = comment_target(comment)
    mentioned, messages = _mentionable(actor, target, text)
    before = set(comment.mentions.values_list("pk", flat=True))
    comment = model_update(
        actor=actor, instance=comment, data={"body": text, "edited_at": timezone.now()},
        expected_version=expected_version,
    )
    comment.mentions.set(mentioned)
    new = [user for user in mentioned if user.pk not in before]
    notified = _notify(actor, comment, target, new, owners=False)
    return CommentResult(comment=comment, messages=messages, notified=notified)


@transaction.atomic
def comment_delete(*, actor: Any, comment: Comment, expected_version: int | None = None) -> None:
    """Its author (or an administrator) deletes the comment."""
    require_change(actor, comment)
    model_delete(actor=actor, instance=comment, expected_version=expected_version)


def target_get(*, actor: Any, kind: str, target_id: Any) -> models.Model:
    """The record of ``kind`` the actor may see (404 otherwise)."""
    from tandem.core.permissions import get_visible

    model = TARGET_MODELS.get(kind)
    if model is None:
        raise ValidationError({"target": "Comments go on an account, project, task, risk or meeting."})
    return get_visible(actor, model, target_id)

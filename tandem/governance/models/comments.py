"""Comments with @mentions on accounts, projects, tasks, risks and meetings."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tandem.clients.models import Account
from tandem.core.models import BusinessModel
from tandem.delivery.models import Project, Task
from tandem.governance.models.common import USER
from tandem.governance.models.meetings import Meeting
from tandem.governance.models.risks import Risk

COMMENT_TARGETS = ("account", "project", "task", "risk", "meeting")


def _exactly_one_target() -> Q:
    condition = Q()
    for target in COMMENT_TARGETS:
        condition |= Q(**{f"{name}__isnull": name != target for name in COMMENT_TARGETS})
    return condition


class Comment(BusinessModel):
    """A comment on exactly one record (one of the five foreign keys is set); the
    service derives the project or account it belongs to for permissions,
    notifications and chat channels. ``mentions`` are the users @named in it."""

    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    risk = models.ForeignKey(Risk, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments")
    body = models.TextField()
    edited_at = models.DateTimeField(null=True, blank=True)
    mentions: models.ManyToManyField[Any, Any] = models.ManyToManyField(USER, blank=True, related_name="mentioned_in")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=_exactly_one_target(), name="comment_exactly_one_target")]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="comment_author_idx"),
        ]

    def __str__(self) -> str:
        return self.body[:60]

"""Where comments plug into other pages (registered from :mod:`tandem.governance.tabs`):
the account page's "Discussion" section, the account timeline's comments, and the
"Mentions" home card."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from tandem.clients.models import Account
from tandem.clients.selectors import TimelineEntry
from tandem.clients.views.common import TIMELINE_KINDS
from tandem.core import home, registry
from tandem.core.home import Card, Row
from tandem.core.permissions import scoped
from tandem.governance.models import Comment
from tandem.governance.selectors.comments import MENTIONS_DAYS, comment_thread, recent_mentions
from tandem.governance.services.comments import comment_url, excerpt
from tandem.governance.tabs import RELATIONSHIP_TAB

MENTIONS_KEY = "governance.mentions"
ROWS_SHOWN = 3

TIMELINE_KINDS.append(("comment", "Comments"))


def discussion_section(viewer: Any, account: Account) -> dict[str, Any]:
    return comment_thread(viewer, account)


registry.record_section(
    model=Account, key="governance.discussion", template="governance/comments/_account_section.html",
    context=discussion_section, slot="main", order=90, tab=RELATIONSHIP_TAB,
)


@registry.timeline_source(Account)
def comments_on_timeline(actor: Any, account: Account, limit: int) -> Iterable[TimelineEntry]:
    """The account's comments (those on the account itself), newest first."""
    rows = scoped(actor, Comment).filter(account=account).select_related("author").order_by("-created_at", "-id")[:limit]
    for comment in rows:
        author = str(comment.author) if comment.author else "Someone"
        yield TimelineEntry(comment.created_at, "comment", f"{author} commented", excerpt(comment.body), comment,
                            icon="comment", extra={"url": comment_url(comment, account)})


@home.count_source
def _numbers(user: Any) -> dict[str, home.Gated]:
    """My recent mentions, built only when I have one at all (their scope reads five
    record types): mentions of me since the start of the day the list's window starts on
    (a little more than the window, so the same statement serves the whole day)."""
    since = home.day_start(timezone.localdate() - dt.timedelta(days=MENTIONS_DAYS))
    mine = home.Prepared(
        "governance.mentions.mine", (since, user.pk),
        lambda: Comment.mentions.through.objects.filter(user_id=user.pk, comment__created_at__gte=since),
    )
    return {MENTIONS_KEY: home.Gated(mine=mine, build=lambda: recent_mentions(user))}


@home.card(key="mentions", title="Mentions", order=40)
def mentions_card(user: Any) -> Card | None:
    """Comments mentioning me in the last 7 days, linking to my activity feed filtered
    to exactly those (``?mentions=1``)."""
    count = home.counts(user).get(MENTIONS_KEY, 0)
    if not count:
        return None
    comments = recent_mentions(user).select_related(
        "author", "account", "project", "task", "risk", "meeting").order_by("-created_at", "-id")[:ROWS_SHOWN]
    rows = [Row(label=excerpt(comment.body, 80), url=comment_url(comment),
                detail=str(comment.author) if comment.author else "") for comment in comments]
    url = reverse("governance:person_activity", kwargs={"user_id": user.pk}) + "?mentions=1"
    return Card(title="Mentions", count=count, url=url,
                caption=f"mentions of me in the last {MENTIONS_DAYS} days", rows=rows)

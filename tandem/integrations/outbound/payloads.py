"""The bytes Tandem sends: the webhook body and the Slack and Teams messages.

* Webhook (Standard Webhooks): ``{"type", "timestamp" (ISO 8601), "data"}`` with the
  event's data, its ``url`` made absolute.
* Slack incoming webhook: ``{"text": fallback, "blocks": [section, context]}``; the
  section is ``mrkdwn`` with a link to the record; ``&``, ``<`` and ``>`` in the text
  are escaped as Slack requires (``&amp;``, ``&lt;``, ``&gt;``).
* Microsoft Teams (Workflows webhook): ``{"type": "message", "attachments": [{
  "contentType": "application/vnd.microsoft.card.adaptive", "content": <AdaptiveCard
  1.4 with TextBlocks and an Action.OpenUrl>}]}``.

Links are absolute, from ``settings.TANDEM_BASE_URL``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from tandem.core.events import Event

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


def absolute_url(path: str) -> str:
    """``path`` on the site (an absolute URL is kept as it is)."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{settings.TANDEM_BASE_URL}/{path.lstrip('/')}"


def _name(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("name", "title", "subject"):
            if value.get(key):
                return str(value[key])
    return ""


@dataclass(frozen=True)
class Summary:
    """What a person reads: a headline, the record it is about, its context, a link."""

    headline: str
    subject: str
    context: str
    url: str


def summarize(event: Event) -> Summary:
    """The event in words: ``"Milestone done"``, the record's name (the first nested
    record of the data with a name that is not the project), the project's name, the
    link."""
    data = event.data
    project = _name(data.get("project"))
    subject = ""
    for key, value in data.items():
        if key != "project" and (subject := _name(value)):
            break
    subject = subject or str(data.get("name") or data.get("title") or data.get("message") or project)
    context = " · ".join(part for part in (project, event.occurred_at.strftime("%d %b %Y %H:%M UTC")) if part)
    return Summary(headline=event.label, subject=subject, context=context, url=absolute_url(str(data.get("url") or "")))


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=False)


def webhook_body(event: Event) -> str:
    """The Standard Webhooks body of ``event``."""
    data = dict(event.data)
    if data.get("url"):
        data["url"] = absolute_url(str(data["url"]))
    return _dumps({"type": event.type, "timestamp": event.occurred_at.isoformat(), "data": data})


def slack_escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn reserves."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(event: Event) -> str:
    """The Slack incoming-webhook message of ``event``."""
    summary = summarize(event)
    subject = slack_escape(summary.subject)
    link = f"<{summary.url}|{subject}>" if summary.url else subject
    fallback = f"{summary.headline}: {summary.subject}" if summary.subject else summary.headline
    return _dumps({
        "text": slack_escape(fallback),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{slack_escape(summary.headline)}*: {link}"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(summary.context)}]},
        ],
    })


def teams_body(event: Event) -> str:
    """The Teams Workflows message (an Adaptive Card 1.4) of ``event``."""
    summary = summarize(event)
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": summary.headline, "weight": "Bolder", "size": "Medium", "wrap": True},
            {"type": "TextBlock", "text": summary.subject, "wrap": True},
            {"type": "TextBlock", "text": summary.context, "isSubtle": True, "spacing": "Small", "wrap": True},
        ],
    }
    if summary.url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in Tandem", "url": summary.url}]
    return _dumps({"type": "message", "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}]})

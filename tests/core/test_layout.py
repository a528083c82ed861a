"""The layout's shared pieces: the page-header partial and messages as toasts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import messages
from django.template import Context, Engine
from django.test import RequestFactory
from django.urls import reverse

from tandem.core.views_notifications import UnreadBadge
from tests.conftest import client_for

TEMPLATES = Path(settings.BASE_DIR) / "tandem" / "templates"

PAGE = """{% partialdef header_actions %}<a class="btn btn-primary" href="/edit/">Edit {{ thing }}</a>{% endpartialdef %}
{% include "partials/page_header.html" with pretitle="Account" title=thing facts=facts actions="page.html#header_actions" %}"""


def engine() -> Engine:
    return Engine(
        loaders=[
            ("django.template.loaders.locmem.Loader", {"page.html": PAGE}),
            ("django.template.loaders.filesystem.Loader", [TEMPLATES]),
        ]
    )


def squash(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def test_page_header_renders_pretitle_title_facts_and_the_pages_own_actions() -> None:
    html = squash(engine().get_template("page.html").render(Context({
        "thing": "Acme <Ltd>", "facts": [("Owner", "Amelia Shaw"), ("Status", "Active customer")],
    })))
    assert html == (
        '<header class="page-header"><div class="d-flex flex-wrap align-items-start gap-3">'
        '<div class="flex-grow-1 min-w-0"><div class="page-pretitle">Account</div>'
        '<h1 class="page-title">Acme &lt;Ltd&gt;</h1>'
        '<dl class="page-facts"><div><dt>Owner</dt><dd>Amelia Shaw</dd></div>'
        "<div><dt>Status</dt><dd>Active customer</dd></div></dl></div>"
        '<div class="page-actions"><a class="btn btn-primary" href="/edit/">Edit Acme &lt;Ltd&gt;</a></div>'
        "</div></header>"
    )


def test_page_header_without_facts_or_actions_is_just_the_title() -> None:
    html = squash(engine().get_template("partials/page_header.html").render(Context({"title": "Teams"})))
    assert html == (
        '<header class="page-header"><div class="d-flex flex-wrap align-items-start gap-3">'
        '<div class="flex-grow-1 min-w-0"><h1 class="page-title">Teams</h1></div></div></header>'
    )


@pytest.mark.django_db
def test_a_saved_message_is_a_dismissible_status_toast(admin_user, team) -> None:
    client = client_for(admin_user)
    url = reverse("people:team_edit", kwargs={"team_id": team.pk})
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["version"] = team.version
    response = client.post(url, data, follow=True)
    html = squash(response.content.decode())
    toasts = re.findall(r'<div class="toast show toast-(\w+)" role="status" aria-live="polite" aria-atomic="true" '
                        r'data-bs-autohide="(\w+)" data-bs-delay="8000" data-bs-animation="false">(.*?)</div></div>', html)
    assert len(toasts) == 1
    kind, autohide, body = toasts[0]
    assert (kind, autohide) == ("success", "true")
    assert f'<span class="toast-text">Changes to team {team.name} have been saved.</span>' in body
    assert '<button type="button" class="btn-close" data-bs-dismiss="toast" aria-label="Dismiss"></button>' in body


@pytest.mark.django_db
def test_an_error_message_stays_until_dismissed(member) -> None:
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.template.loader import render_to_string

    request = RequestFactory().get("/")
    request.user = member
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    messages.error(request, "The file could not be read.")
    html = squash(render_to_string("base.html", {"notification_badge": UnreadBadge(member)}, request=request))
    assert ('<div class="toast show toast-danger" role="status" aria-live="polite" aria-atomic="true" '
            'data-bs-autohide="false"') in html
    assert '<i class="ti ti-alert-circle" aria-hidden="true"></i><span class="toast-text">The file could not be read.</span>' in html

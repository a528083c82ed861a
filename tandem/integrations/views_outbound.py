"""The pages of outbound delivery (Settings area):

* **Webhooks** (admins): the endpoints with their state; a new endpoint (its secret is
  shown once); an endpoint's page with edit, rotate the secret, enable again / disable,
  send a test ping, delete, and its delivery log (50 a page, newest first; each message
  folds open to its attempts and body, with Replay).
* **Chat channels**: the Slack and Teams channels the user may see (admins all);
  project managers add one for a project they manage, team leads for their team.
* **Delivery failures** (admins): failed and retrying messages of webhooks and chat,
  with the reason and Replay; ``?recent=7`` keeps the failed ones of the last 7 days
  (what the home card counts).

Every write calls one service of :mod:`tandem.integrations.outbound.services`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import PermissionDeniedError
from tandem.core.events import event_types
from tandem.core.pagination import page_links, page_query, paginate
from tandem.core.permissions import get_visible, is_admin, policy_for, scoped
from tandem.core.web import form_add_errors
from tandem.delivery.models import Project, ProjectStatus
from tandem.integrations.models import OutboundAttempt, WebhookEndpoint
from tandem.integrations.outbound import selectors, services
from tandem.integrations.outbound.forms import (
    ChatChannelCreateForm,
    ChatChannelForm,
    WebhookEndpointForm,
)
from tandem.people.models import Team

LOG_PAGE = 50


def _require_admin(user: Any) -> None:
    if not is_admin(user):
        raise PermissionDeniedError("Only administrators manage outbound webhooks.")


def _labels() -> dict[str, str]:
    return {kind.key: kind.label for kind in event_types(public_only=False)}


def _page_context(request: HttpRequest, queryset: Any, *, params: dict[str, Any], per_page: int | None = None) -> dict[str, Any]:
    page = paginate(queryset, request.GET.get("page"), per_page or request.GET.get("per_page"))
    return {
        "page": page, "page_links": page_links(page, params),
        "previous_query": page_query(params, page=page.previous_number) if page.has_previous else "",
        "next_query": page_query(params, page=page.next_number) if page.has_next else "",
    }


# --- Webhooks ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def webhook_endpoint_list(request: HttpRequest) -> HttpResponse:
    """The endpoints, and the form adding one (its secret is shown once, on its page)."""
    _require_admin(request.user)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.webhook_endpoint_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            return _endpoint_page(request, created.endpoint, secret=created.secret,
                                  notice="Webhook added. Copy its secret now: it is not shown again.")
    context = {"endpoints": list(selectors.webhook_endpoint_list(actor=request.user)), "form": form,
               "labels": _labels()}
    return render(request, "integrations/outbound/webhook_list.html", context, status=422 if form.errors else 200)


def _endpoint_page(request: HttpRequest, endpoint: WebhookEndpoint, *, secret: str = "", notice: str = "",
                   form: WebhookEndpointForm | None = None) -> HttpResponse:
    log = selectors.endpoint_message_list(actor=request.user, endpoint=endpoint).prefetch_related(
        Prefetch("attempt_log", queryset=OutboundAttempt.objects.order_by("number")))
    form = form or WebhookEndpointForm(initial={
        "url": endpoint.url, "description": endpoint.description, "event_types": endpoint.event_types})
    context = {
        "endpoint": endpoint, "secret": secret, "notice": notice, "form": form, "labels": _labels(),
        "may_change": policy_for(endpoint).can_change(request.user, endpoint),
        **_page_context(request, log, params={}, per_page=LOG_PAGE),
    }
    return render(request, "integrations/outbound/webhook_detail.html", context, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def webhook_endpoint_detail(request: HttpRequest, webhook_endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(actor=request.user, webhook_endpoint_id=webhook_endpoint_id)
    if request.method == "POST":
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                services.webhook_endpoint_update(actor=request.user, endpoint=endpoint, data=form.cleaned_data,
                                                 expected_version=_version(request))
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, "Webhook saved.")
                return redirect("integrations:webhook_endpoint_detail", webhook_endpoint_id=endpoint.pk)
        elif not policy_for(endpoint).can_change(request.user, endpoint):
            raise PermissionDeniedError("You may not change this webhook.")
        return _endpoint_page(request, endpoint, form=form)
    return _endpoint_page(request, endpoint)


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@login_required
@require_POST
def webhook_endpoint_rotate(request: HttpRequest, webhook_endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(actor=request.user, webhook_endpoint_id=webhook_endpoint_id)
    rotated = services.webhook_endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
    return _endpoint_page(request, rotated.endpoint, secret=rotated.secret,
                          notice="New secret made. The old one keeps signing for 24 hours; copy the new one now.")


@login_required
@require_POST
def webhook_endpoint_activate(request: HttpRequest, webhook_endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(actor=request.user, webhook_endpoint_id=webhook_endpoint_id)
    active = request.POST.get("active") == "1"
    services.webhook_endpoint_set_active(actor=request.user, endpoint=endpoint, active=active)
    messages.success(request, "Webhook enabled again." if active else "Webhook disabled.")
    return redirect("integrations:webhook_endpoint_detail", webhook_endpoint_id=endpoint.pk)


@login_required
@require_POST
def webhook_endpoint_ping(request: HttpRequest, webhook_endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(actor=request.user, webhook_endpoint_id=webhook_endpoint_id)
    services.webhook_endpoint_ping(actor=request.user, endpoint=endpoint)
    messages.success(request, "Test ping sent; its answer appears in the log below.")
    return redirect("integrations:webhook_endpoint_detail", webhook_endpoint_id=endpoint.pk)


@login_required
@require_POST
def webhook_endpoint_delete(request: HttpRequest, webhook_endpoint_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(actor=request.user, webhook_endpoint_id=webhook_endpoint_id)
    services.webhook_endpoint_delete(actor=request.user, endpoint=endpoint)
    messages.success(request, "Webhook deleted.")
    return redirect("integrations:webhook_endpoint_list")


@login_required
@require_POST
def outbound_message_replay(request: HttpRequest, outbound_message_id: int) -> HttpResponse:
    message = selectors.outbound_message_get(actor=request.user, outbound_message_id=outbound_message_id)
    try:
        services.outbound_message_replay(actor=request.user, message=message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Sent again with the same webhook-id; the new attempt appears in the log.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("integrations:outbound_failures")
    return redirect(target)


# --- Delivery failures -----------------------------------------------------------------


@login_required
@require_GET
def outbound_failures(request: HttpRequest) -> HttpResponse:
    _require_admin(request.user)
    recent = request.GET.get("recent") == "7"
    since = selectors.failure_window_start() if recent else None
    failures = selectors.failure_list(actor=request.user, since=since)
    params = {"recent": "7"} if recent else {}
    context = {"recent": recent, "labels": _labels(), "here": request.get_full_path(),
               **_page_context(request, failures, params=params, per_page=LOG_PAGE)}
    return render(request, "integrations/outbound/failures.html", context)


# --- Chat channels ----------------------------------------------------------------------


def _targets(user: Any) -> list[tuple[str, str]]:
    """Projects the user manages (admins: every open project) and teams they lead
    (admins: every team), as form choices."""
    projects = scoped(user, Project).exclude(status__in=[ProjectStatus.COMPLETED, ProjectStatus.CANCELLED])
    if not is_admin(user):
        projects = projects.filter(manager=user.pk)
    teams = Team.objects.all() if is_admin(user) else Team.objects.filter(lead=user.pk)
    choices = [(f"project:{pk}", f"Project: {name}") for pk, name in projects.order_by("name").values_list("pk", "name")[:500]]
    choices += [(f"team:{pk}", f"Team: {name}") for pk, name in teams.order_by("name").values_list("pk", "name")]
    return choices


def _target_objects(user: Any, value: str) -> dict[str, Any]:
    kind, _, pk = value.partition(":")
    if kind == "project":
        return {"project": get_visible(user, Project, pk)}
    return {"team": get_visible(user, Team, pk)}


@login_required
@require_http_methods(["GET", "POST"])
def chat_channel_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    targets = _targets(user)
    form = ChatChannelCreateForm(request.POST or None, targets=targets)
    if request.method == "POST":
        if not targets:
            raise PermissionDeniedError("Only project managers, team leads and administrators add chat channels.")
        if form.is_valid():
            data = dict(form.cleaned_data)
            target = _target_objects(user, data.pop("target"))
            try:
                channel = services.chat_channel_create(actor=user, **data, **target)
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, f"{channel.name} added. Send a test message to check it.")
                return redirect("integrations:chat_channel_list")
    channels = selectors.chat_channel_list(actor=user)
    context = {"form": form, "may_add": bool(targets), "labels": _labels(),
               **_page_context(request, channels, params={})}
    return render(request, "integrations/outbound/chat_list.html", context, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def chat_channel_detail(request: HttpRequest, chat_channel_id: int) -> HttpResponse:
    channel = selectors.chat_channel_get(actor=request.user, chat_channel_id=chat_channel_id)
    may_change = policy_for(channel).can_change(request.user, channel)
    form = ChatChannelForm(request.POST or None, initial={
        "kind": channel.kind, "name": channel.name, "url": channel.url, "event_types": channel.event_types})
    if request.method == "POST":
        if not may_change:
            raise PermissionDeniedError("Only the project's manager, the team's lead or an administrator changes it.")
        if form.is_valid():
            try:
                services.chat_channel_update(actor=request.user, channel=channel, data=form.cleaned_data,
                                             expected_version=_version(request))
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, f"{channel.name} saved.")
                return redirect("integrations:chat_channel_detail", chat_channel_id=channel.pk)
    recent = channel.messages.order_by("-created_at", "-id")[:10] if may_change else []
    context = {"channel": channel, "form": form, "may_change": may_change, "labels": _labels(),
               "recent": list(recent)}
    return render(request, "integrations/outbound/chat_detail.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def chat_channel_action(request: HttpRequest, chat_channel_id: int) -> HttpResponse:
    """``action``: ``test`` (post a test message), ``disable``, ``enable``, ``delete``."""
    channel = selectors.chat_channel_get(actor=request.user, chat_channel_id=chat_channel_id)
    action = request.POST.get("action", "")
    if action == "test":
        services.chat_channel_test(actor=request.user, channel=channel)
        messages.success(request, "Test message sent; its answer shows under Recent messages.")
    elif action in ("enable", "disable"):
        services.chat_channel_update(actor=request.user, channel=channel, data={"is_active": action == "enable"})
        messages.success(request, f"{channel.name} {'enabled' if action == 'enable' else 'disabled'}.")
    elif action == "delete":
        services.chat_channel_delete(actor=request.user, channel=channel)
        messages.success(request, f"{channel.name} removed.")
        return redirect("integrations:chat_channel_list")
    elif not policy_for(channel).can_change(request.user, channel):
        raise PermissionDeniedError("Only the project's manager, the team's lead or an administrator changes it.")
    else:
        messages.error(request, "Choose test, enable, disable or delete.")
    return redirect("integrations:chat_channel_detail", chat_channel_id=channel.pk)

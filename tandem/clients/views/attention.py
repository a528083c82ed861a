"""Needs attention: overdue check-ins, follow-ups due and inquiries at risk or breached
(the rules of :mod:`tandem.clients.rules`, read by ``selectors.needs_attention``).

An account manager sees their own desk. Executives and administrators open on the whole
organisation ("Everyone", each item naming its account manager) and may narrow it to
one account manager with ``?manager=<user id>``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tandem.clients import selectors
from tandem.clients.views.common import with_sla
from tandem.core.permissions import is_admin, sees_everything
from tandem.core.roles import Role
from tandem.people import selectors as people_selectors

LIMIT = 50


def _manager_options(actor: Any) -> list[Any]:
    """The account managers the filter offers (one query)."""
    queryset = people_selectors.user_list(
        actor=actor, filters=people_selectors.UserFilters(role=Role.ACCOUNT_MANAGER, is_active=True)
    )
    return list(queryset.prefetch_related(None).select_related(None).only("id", "full_name", "email"))


@login_required
@require_GET
def attention(request: HttpRequest) -> HttpResponse:
    """The actor's overdue check-ins, due follow-ups and inquiries near or past their
    SLA; for executives and administrators everyone's, or one account manager's."""
    actor = request.user
    managers: list[Any] = []
    manager: Any = actor
    if sees_everything(actor):
        managers = _manager_options(actor)
        wanted = request.GET.get("manager", "")
        manager = next((user for user in managers if str(user.pk) == wanted), None)
    # One row more than shown tells whether there are more ("50+").
    found = selectors.needs_attention(actor=actor, owner=manager, limit=LIMIT + 1)
    result = selectors.Attention(
        found.overdue_accounts[:LIMIT], found.due_follow_ups[:LIMIT], found.inquiries_at_risk[:LIMIT]
    )
    more = {
        "accounts": len(found.overdue_accounts) > LIMIT,
        "follow_ups": len(found.due_follow_ups) > LIMIT,
        "inquiries": len(found.inquiries_at_risk) > LIMIT,
    }
    context = {
        "attention": result,
        "managers": managers,
        "manager": manager,
        "everyone": manager is None,
        "is_self": manager is not None and manager.pk == actor.pk,
        # Follow-ups are their owner's to close (administrators may close anyone's).
        "may_close_any": is_admin(actor),
        "inquiries": with_sla(result.inquiries_at_risk),
        "more": more,
        "today": timezone.localdate(),
    }
    return render(request, "clients/attention.html", context)


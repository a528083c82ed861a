"""Global search: the top bar's box (HTMX, as you type) and the results page (Enter).

Both read :func:`tandem.core.search.search`, which matches every registered record type
(people, accounts, contacts, and whatever later apps register) in the full-text index and
scopes each type to what the user may see in the same query: a hit is always a record
the user could open. Hits are grouped by type, in registration order.

The as-you-type answer is a plain list of links under one heading per group (keyboard:
Tab moves through them, Escape closes the list, see ``tandem/static/tandem/app.js``);
queries shorter than :data:`tandem.core.search.MIN_QUERY_CHARS` answer nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from tandem.core import search

PREVIEW_PER_TYPE = 5
PAGE_PER_TYPE = 25
ONE_TYPE_LIMIT = 100
MAX_QUERY_LENGTH = 100
# Group headings: the label of a type in the plural.
PLURALS = {"Person": "People", "Inquiry": "Inquiries"}


@dataclass(frozen=True)
class Group:
    key: str
    heading: str
    hits: list[search.SearchHit]
    has_more: bool


def type_key(kind: search.SearchType) -> str:
    return slugify(kind.label)


def plural(label: str) -> str:
    return PLURALS.get(label, f"{label}s")


def grouped(
    hits: list[search.SearchHit], kinds: list[search.SearchType], limit: int
) -> list[Group]:
    """Hits per type, in registration order; types without hits are left out. ``hits``
    holds up to ``limit + 1`` per type, so ``has_more`` is exact."""
    groups = []
    for kind in kinds:
        own = [hit for hit in hits if hit.label == kind.label]
        if own:
            groups.append(Group(type_key(kind), plural(kind.label), own[:limit], len(own) > limit))
    return groups


@login_required
@require_GET
def global_search(request: HttpRequest) -> HttpResponse:
    """``?q=`` words (prefixes, all must match); ``?type=`` narrows the page to one type."""
    term = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    kinds = search.registered_types()
    wanted = request.GET.get("type", "")
    chosen = [kind for kind in kinds if type_key(kind) == wanted]
    preview = request.headers.get("HX-Request") == "true" and request.GET.get("preview") == "1"
    if preview:
        limit = PREVIEW_PER_TYPE
    elif chosen:
        limit = ONE_TYPE_LIMIT
        kinds = chosen
    else:
        limit = PAGE_PER_TYPE
    hits = search.search(
        actor=request.user, query=term, limit_per_type=limit + 1, types=[kind.model for kind in kinds]
    )
    groups = grouped(hits, kinds, limit)
    long_enough = sum(len(word) for word in search.query_terms(term)) >= search.MIN_QUERY_CHARS
    context = {
        "term": term,
        "search_term": term,
        "groups": groups,
        "hit_count": sum(len(group.hits) for group in groups),
        "long_enough": long_enough,
        "type_options": [(type_key(kind), plural(kind.label)) for kind in search.registered_types()],
        "chosen_type": type_key(chosen[0]) if chosen else "",
    }
    if preview:
        if not long_enough:
            return HttpResponse("")  # an empty answer hides the results box (CSS :empty)
        return render(request, "core/partials/search_preview.html", context)
    return render(request, "core/search.html", context)

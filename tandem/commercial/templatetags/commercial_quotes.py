"""``{% opportunity_quotes opportunity as section %}``: the quotes section of an
opportunity's page (``commercial/quotes/_opportunity_quotes.html``) reads its rows and
whether the user may make a quote here, through the quote selectors and policies, so
the page including it passes only ``opportunity``."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from tandem.commercial.models import Opportunity, OpportunityLine, OpportunityStatus, Quote
from tandem.commercial.selectors import quotes as selectors
from tandem.core.permissions import policy_for

register = template.Library()


@register.simple_tag(takes_context=True)
def opportunity_quotes(context: template.Context, opportunity: Opportunity) -> dict[str, Any]:
    from tandem.commercial.views.quotes import money_text, status_label

    user = context.get("user")
    quotes = selectors.opportunity_quotes(actor=user, opportunity=opportunity)
    may_quote = policy_for(Quote).can_create(user) and policy_for(Opportunity).can_change(user, opportunity)
    blocked = ""
    if may_quote:
        if opportunity.status != OpportunityStatus.OPEN:
            blocked = f"The opportunity is {opportunity.get_status_display().lower()}: no new quote."
        elif not OpportunityLine.objects.filter(opportunity=opportunity).exists():
            blocked = "Add a line to the opportunity to quote it."
    rows = []
    for quote in quotes:
        label, badge = status_label(quote)
        rows.append({
            "quote": quote, "label": label, "badge": badge, "total": money_text(quote.total, quote.currency),
            "url": reverse("commercial:quote_detail", kwargs={"quote_id": quote.pk}),
        })
    return {
        "rows": rows,
        "may_quote": may_quote,
        "blocked": blocked,
        "create_url": reverse("commercial:quote_create", kwargs={"opportunity_id": opportunity.pk}),
    }

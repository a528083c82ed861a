"""Cross-sell suggestions: products that accounts like this one buy and it does not.

The method, every step visible in the reason shown:

1. **Similar accounts** of account A: every other account with the same industry as A
   (compared without case or surrounding spaces; an empty industry matches nothing) or
   the same tier as A.
2. An account **buys** a product when the product is on a line of one of its won
   opportunities, or of the opportunity an active contract of it came from.
3. A product is **suggested** for A when it is active, at least
   :data:`MIN_BUYERS` similar accounts buy it, and A neither buys it nor has an open
   opportunity with a line of it.
4. **Score** = buyers ÷ similar accounts (the share of similar accounts that buy it);
   suggestions by score, then buyers, then product name.

The reason names the buyers the user may see (the account policy) and counts all of
them: "Bought by 3 of 5 similar accounts: Acme, Globex (and 1 you cannot see)". Hidden
accounts are counted, never named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Lower, Trim

from tandem.clients.models import Account
from tandem.commercial.models import ContractStatus, OpportunityLine, OpportunityStatus
from tandem.core.permissions import scoped

MIN_BUYERS = 2
MAX_NAMED = 5


@dataclass(frozen=True)
class BuyerRef:
    id: int
    name: str


@dataclass(frozen=True)
class CrossSellSuggestion:
    product_id: int
    product_name: str
    category: str
    buyers: int  # similar accounts that buy it
    similar: int  # similar accounts in all
    score: Decimal  # buyers / similar, 0–1, two decimals
    named_buyers: tuple[BuyerRef, ...]  # the buyers the user may see (at most MAX_NAMED)
    hidden_buyers: int  # buyers the user may not see
    similar_by: str  # "industry", "tier" or "industry or tier"

    @property
    def unnamed_text(self) -> str:
        """The buyers not named, in brackets ("(and 1 you cannot see)"), or ""."""
        unnamed = self.buyers - len(self.named_buyers)
        if not unnamed:
            return ""
        more = f"{unnamed} you cannot see" if self.hidden_buyers == unnamed else f"{unnamed} more"
        return f" (and {more})" if self.named_buyers else f" ({more})"

    @property
    def reason(self) -> str:
        names = ", ".join(buyer.name for buyer in self.named_buyers)
        text = f"Bought by {self.buyers} of {self.similar} similar accounts"
        if names:
            text += f": {names}"
        return text + self.unnamed_text + "."


def similar_accounts_q(account: Account) -> Q:
    """Accounts similar to ``account`` (step 1), itself excluded."""
    condition = Q(tier=account.tier)
    industry = account.industry.strip().lower()
    if industry:
        condition |= Q(industry_key=industry)
    return condition


def _bought_lines_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}opportunity__status": OpportunityStatus.WON}) | Q(
        **{f"{prefix}opportunity__contracts__status": ContractStatus.ACTIVE}
    )


def cross_sell_suggestions(*, user: Any, account: Account, limit: int = 5) -> list[CrossSellSuggestion]:
    """The products to suggest for ``account`` (see the module's method), best first.
    The caller has fetched ``account`` through the scoped selectors."""
    similar = (
        Account.objects.annotate(industry_key=Lower(Trim("industry")))
        .filter(similar_accounts_q(account))
        .exclude(pk=account.pk)
    )
    industry = account.industry.strip().lower()
    counts = similar.aggregate(
        total=Count("pk"),
        by_industry=Count("pk", filter=Q(industry_key=industry) if industry else Q(pk__in=[])),
        by_tier=Count("pk", filter=Q(tier=account.tier)),
    )
    total = counts["total"] or 0
    if total < MIN_BUYERS:
        return []
    by_industry, by_tier = bool(counts["by_industry"]), bool(counts["by_tier"])
    similar_by = "industry or tier" if by_industry and by_tier else ("industry" if by_industry else "tier")
    # Subqueries, not id lists: a tier can hold thousands of accounts. One query reads
    # what similar accounts and this one buy and what this one has on open opportunities
    # (with each product's name and category).
    mine = Q(opportunity__account_id=account.pk)
    lines = (
        OpportunityLine.objects.filter(product__isnull=False)
        .filter(
            (Q(product__is_active=True) & _bought_lines_q() & (Q(opportunity__account__in=similar.values("pk")) | mine))
            | (mine & Q(opportunity__status=OpportunityStatus.OPEN))
        )
        .values_list("opportunity__account_id", "product_id", "product__name", "product__category")
        .distinct()
    )
    buyers: dict[int, set[int]] = defaultdict(set)
    own: set[int] = set()
    products: dict[int, tuple[str, str]] = {}
    for account_id, product_id, name, category in lines:
        products[product_id] = (name, category)
        (own.add(product_id) if account_id == account.pk else buyers[product_id].add(account_id))
    candidates = {pk: ids for pk, ids in buyers.items() if pk not in own and len(ids) >= MIN_BUYERS}
    if not candidates:
        return []
    all_buyers = set().union(*candidates.values())
    # Only the buyers the user may see are named; the others are counted.
    names = dict(scoped(user, Account).filter(pk__in=all_buyers).values_list("pk", "name"))
    visible = set(names)
    suggestions = []
    for product_id, ids in candidates.items():
        shown = sorted((pk for pk in ids if pk in visible), key=lambda pk: (names[pk].lower(), pk))
        score = (Decimal(len(ids)) / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        name, category = products[product_id]
        suggestions.append(CrossSellSuggestion(
            product_id=product_id, product_name=name, category=category, buyers=len(ids), similar=total, score=score,
            named_buyers=tuple(BuyerRef(pk, names[pk]) for pk in shown[:MAX_NAMED]),
            hidden_buyers=len(ids) - len(shown), similar_by=similar_by,
        ))
    suggestions.sort(key=lambda item: (-item.score, -item.buyers, item.product_name.lower(), item.product_id))
    return suggestions[:limit]

"""A small book in three currencies whose forecast is worked out by hand (the figures
are in docs/forecast.md, "Worked example"). Base currency EUR; USD 0.90 from
2031-01-01 and 0.80 from 2031-03-01; GBP 1.10 from 2030-12-01. The window is January to
March 2031.

* Alpha (EUR, Alan): contract C1 1,000/month 2030-06-01 → 2031-02-15 (Jan, Feb);
  milestone 2,000 due 2031-01-20; a billed milestone (out); O1 10,000 at 30 % closing
  2031-01-15 (pipeline); an omitted one, a won one and an overdue one (all out).
* Bravo (USD, Alan): contract C2 500/month from 2031-02-10, open-ended (Feb at 0.90 →
  450, Mar at 0.80 → 400); milestone 1,000 due 2031-03-05 (→ 800); O2 2,000 at 75 %
  commit closing 2031-02-20 (weighted 1,350, commit 1,800); O7 333.33 at 10 % closing
  2031-03-31 (weighted 26.6664).
* Charlie (GBP, Bea): contract C4 in negotiation 300/month (out of contracted) with a
  milestone 100 due 2031-02-28 (→ 110); O3 1,000 at 50 % best case closing 2031-03-10
  (weighted 550, best case 1,100); a draft contract (out).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_contract, make_milestone, make_opportunity, make_rate
from tests.factories import make_user

D = Decimal
START = dt.date(2031, 1, 1)

# (month, contracted, milestones, weighted_pipeline, commit, best_case, total)
EXPECTED = [
    ("2031-01", "1000.00", "2000.00", "3000.00", "3000.00", "3000.00", "6000.00"),
    ("2031-02", "1450.00", "110.00", "1350.00", "3360.00", "3360.00", "2910.00"),
    ("2031-03", "400.00", "800.00", "576.67", "1200.00", "2300.00", "1776.67"),
]
EXPECTED_BEA = [
    ("2031-01", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"),
    ("2031-02", "0.00", "110.00", "0.00", "110.00", "110.00", "110.00"),
    ("2031-03", "0.00", "0.00", "550.00", "0.00", "1100.00", "550.00"),
]


@dataclass
class Book:
    alan: Any
    bea: Any
    alpha: Any
    bravo: Any
    charlie: Any
    records: dict[str, Any]


def build_book() -> Book:
    alan = make_user(role=Role.ACCOUNT_MANAGER, email="alan@example.test", full_name="Alan Account")
    bea = make_user(role=Role.ACCOUNT_MANAGER, email="bea@example.test", full_name="Bea Broker")
    make_rate(currency="USD", date=dt.date(2031, 1, 1), rate="0.90")
    make_rate(currency="USD", date=dt.date(2031, 3, 1), rate="0.80")
    make_rate(currency="GBP", date=dt.date(2030, 12, 1), rate="1.10")
    alpha = make_account(owner=alan, name="Alpha", currency="EUR")
    bravo = make_account(owner=alan, name="Bravo", currency="USD")
    charlie = make_account(owner=bea, name="Charlie", currency="GBP")
    records: dict[str, Any] = {}
    records["c1"] = c1 = make_contract(
        account=alpha, status="active", monthly_amount=D("1000.00"), currency="EUR",
        start_date=dt.date(2030, 6, 1), end_date=dt.date(2031, 2, 15),
    )
    make_milestone(contract=c1, due_date=dt.date(2031, 1, 20), amount=D("2000.00"))
    make_milestone(contract=c1, due_date=dt.date(2031, 2, 10), amount=D("700.00"), billed_on=dt.date(2031, 2, 10))
    records["o1"] = make_opportunity(
        account=alpha, amount=D("10000.00"), currency="EUR", probability=30, forecast_category="pipeline",
        expected_close_date=dt.date(2031, 1, 15),
    )
    make_opportunity(account=alpha, amount=D("5000.00"), currency="EUR", probability=40, forecast_category="omitted",
                     expected_close_date=dt.date(2031, 1, 25))
    make_opportunity(account=alpha, stage_name="Closed won", amount=D("8000.00"), currency="EUR",
                     expected_close_date=dt.date(2031, 1, 5))
    make_opportunity(account=alpha, amount=D("4000.00"), currency="EUR", probability=90, forecast_category="commit",
                     expected_close_date=dt.date(2030, 12, 20))
    records["c2"] = c2 = make_contract(
        account=bravo, status="active", monthly_amount=D("500.00"), currency="USD",
        start_date=dt.date(2031, 2, 10), end_date=None,
    )
    make_milestone(contract=c2, due_date=dt.date(2031, 3, 5), amount=D("1000.00"))
    make_opportunity(account=bravo, amount=D("2000.00"), currency="USD", probability=75, forecast_category="commit",
                     expected_close_date=dt.date(2031, 2, 20))
    make_opportunity(account=bravo, amount=D("333.33"), currency="USD", probability=10, forecast_category="pipeline",
                     expected_close_date=dt.date(2031, 3, 31))
    c4 = make_contract(account=charlie, status="negotiation", monthly_amount=D("300.00"), currency="GBP",
                       start_date=dt.date(2031, 1, 1), end_date=dt.date(2031, 12, 31))
    make_milestone(contract=c4, due_date=dt.date(2031, 2, 28), amount=D("100.00"))
    make_contract(account=charlie, status="draft", monthly_amount=D("9999.00"), currency="GBP",
                  start_date=dt.date(2031, 1, 1), end_date=dt.date(2031, 12, 31))
    make_opportunity(account=charlie, amount=D("1000.00"), currency="GBP", probability=50, forecast_category="best_case",
                     expected_close_date=dt.date(2031, 3, 10))
    return Book(alan=alan, bea=bea, alpha=alpha, bravo=bravo, charlie=charlie, records=records)


def grow_book(book: Book, accounts: int) -> None:
    """More of everything the forecast reads, for pinning that its query count does not
    grow: ``accounts`` more accounts (a new account manager for every third), each with
    an active contract, a milestone and two open deals in one of the three currencies,
    spread over the window's months and days."""
    managers = [book.alan, book.bea]
    for number in range(accounts):
        if number % 3 == 0:
            managers.append(make_user(role=Role.ACCOUNT_MANAGER, email=f"grown{number}@example.test", full_name=f"Grown {number}"))
        owner = managers[number % len(managers)]
        currency = ("EUR", "USD", "GBP")[number % 3]
        account = make_account(owner=owner, name=f"Grown {number:03d}", currency=currency)
        month = dt.date(2031, 1 + number % 12, 1)
        contract = make_contract(account=account, status="active", monthly_amount=D("100.00") + number, currency=currency,
                                 start_date=month, end_date=None)
        make_milestone(contract=contract, due_date=month.replace(day=1 + number % 28), amount=D("50.00"))
        for category, day in (("commit", 3), ("pipeline", 17)):
            make_opportunity(account=account, amount=D("1000.00") + number, currency=currency, probability=40,
                             forecast_category=category, expected_close_date=month.replace(day=day + number % 10))


def as_rows(months: Any) -> list[tuple[str, ...]]:
    return [
        (f"{m.month:%Y-%m}", *(f"{getattr(m, name):.2f}" for name in
                               ("contracted", "milestones", "weighted_pipeline", "commit", "best_case", "total")))
        for m in months
    ]

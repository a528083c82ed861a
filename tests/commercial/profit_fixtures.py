"""A small organisation whose profitability is computed by hand in the tests (and in
docs/profitability.md): base currency EUR, one USD rate of 0.90 from 1 Jan 2031.

* "Acme" (EUR), owned by Alan (account manager, team Delivery):
  revenue Jan 2031 1,000.00 EUR + Feb 2031 500.00 USD (= 450.00 EUR) = 1,450.00;
  expenses 15 Jan 200.00 EUR + 10 Feb 100.00 USD (= 90.00 EUR) = 290.00;
  margin 1,160.00, margin 80.0 %. A revenue entry of Dec 2030 and an expense of
  1 Mar 2031 fall outside Q1… only in the Jan–Feb period tests.
* "Beta" (EUR), owned by Tess, Alan's team-mate: revenue Jan 2031 2,000.00, expense
  500.00: Alan sees the account and its revenue, not its cost or margin.
* "Gamma" (EUR), owned by Nora (another team): hidden from Alan; revenue Jan 2031
  300.00, expenses 400.00: margin −100.00, −33.3 %.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tandem.core.roles import Role
from tests.clients.factories import make_account
from tests.commercial.factories import make_expense, make_rate, make_revenue
from tests.factories import make_team, make_user


def build_profit_world(users_by_role: dict[str, Any]) -> dict[str, Any]:
    am = users_by_role[Role.ACCOUNT_MANAGER]
    team = am.person.team
    tess = make_user(role=Role.ACCOUNT_MANAGER, email="tess@example.test", full_name="Tess Team", team=team)
    nora = make_user(role=Role.ACCOUNT_MANAGER, email="nora@example.test", full_name="Nora North", team=make_team(name="North"))
    make_rate(currency="USD", date=dt.date(2031, 1, 1), rate="0.90")
    acme = make_account(owner=am, name="Acme", currency="EUR")
    beta = make_account(owner=tess, name="Beta", currency="EUR")
    gamma = make_account(owner=nora, name="Gamma", currency="EUR")
    make_revenue(account=acme, month=dt.date(2031, 1, 1), amount=Decimal("1000.00"))
    make_revenue(account=acme, month=dt.date(2031, 2, 1), amount=Decimal("500.00"), currency="USD")
    make_revenue(account=acme, month=dt.date(2030, 12, 1), amount=Decimal("9999.00"))
    make_expense(account=acme, date=dt.date(2031, 1, 15), amount=Decimal("200.00"))
    make_expense(account=acme, date=dt.date(2031, 2, 10), amount=Decimal("100.00"), currency="USD", description="Flights")
    make_expense(account=acme, date=dt.date(2031, 3, 1), amount=Decimal("7777.00"))
    make_revenue(account=beta, month=dt.date(2031, 1, 1), amount=Decimal("2000.00"))
    make_expense(account=beta, date=dt.date(2031, 1, 20), amount=Decimal("500.00"))
    make_revenue(account=gamma, month=dt.date(2031, 1, 1), amount=Decimal("300.00"))
    make_expense(account=gamma, date=dt.date(2031, 1, 5), amount=Decimal("400.00"))
    return {"am": am, "tess": tess, "nora": nora, "acme": acme, "beta": beta, "gamma": gamma}


PERIOD = {"start": dt.date(2031, 1, 1), "end": dt.date(2031, 2, 28)}

"""The sales measures of ``tandem bench`` (P2S, P3S, P4S) on the small demo.

The sales pages are stood in for by tiny stub views under the same route names (the
bench's URLconf with the ``commercial`` namespace replaced), so these tests prove the
measures' mechanics whatever pages exist: the line format, exact and flat query counts,
the rolled-back growth and shrinking, and the clean skip of a page whose route does not
exist. Timings are never asserted.
"""

from __future__ import annotations

import io
import itertools
import re
import sys
import types
from collections.abc import Iterator

import pytest
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.urls import URLResolver, clear_url_caches, include, path

from tandem.bench import runner
from tandem.bench.measures import commercial as sales_measures
from tandem.bench.urls import urlpatterns as bench_urlpatterns
from tandem.clients.models import Account
from tandem.commercial.models import Contract, Opportunity, Quote, RevenueEntry
from tandem.core import demo
from tandem.core.models import AuditEntry
from tests.commercial.test_demo import restore_seeded_rows

LINE = re.compile(r"^(?P<name>P\dS): ratio=(?P<ratio>\d+\.\d\d) target=(?P<target>\S+)(?P<details>( [a-z_:]+=[^ ]+)*) status=(?P<status>ok|missed)$")
_modules = itertools.count()


def parse(line: str) -> dict[str, str]:
    match = LINE.match(line)
    assert match, f"not a bench line: {line!r}"
    fields = dict(pair.split("=", 1) for pair in match["details"].split())
    return {**fields, "name": match["name"], "ratio": match["ratio"], "target": match["target"]}


def _table(rows: list[tuple[object, ...]]) -> HttpResponse:
    body = "".join("<tr>" + "".join(f"<td>{value}</td>" for value in row) + "</tr>" for row in rows)
    return HttpResponse(f"<table><tr><th>row</th></tr>{body}</table>")


def _per_page(request: HttpRequest) -> int:
    return int(request.GET.get("per_page", 50))


@login_required
def opportunity_stub(request: HttpRequest) -> HttpResponse:
    rows = Opportunity.objects.select_related("account").order_by("expected_close_date", "id")[: _per_page(request)]
    return _table([(item.name, item.account.name, item.amount) for item in rows])


@login_required
def contract_stub(request: HttpRequest) -> HttpResponse:
    rows = Contract.objects.select_related("account").order_by("-start_date", "-id")[: _per_page(request)]
    return _table([(item.number, item.account.name, item.value) for item in rows])


@login_required
def revenue_stub(request: HttpRequest) -> HttpResponse:
    rows = RevenueEntry.objects.select_related("account").order_by("-month", "id")[: _per_page(request)]
    return _table([(item.month, item.account.name, item.amount) for item in rows])


@login_required
def forecast_stub(request: HttpRequest) -> HttpResponse:
    months = RevenueEntry.objects.values("month").annotate(total=Sum("amount")).order_by("-month")[:12]
    return _table([(row["month"], row["total"]) for row in months])


STUBS = {
    "opportunity_list": opportunity_stub,
    "contract_list": contract_stub,
    "revenue_list": revenue_stub,
    "forecast": forecast_stub,
}


@pytest.fixture
def stub_pages(monkeypatch) -> Iterator[object]:
    """``stub_pages(names)``: the bench's URLconf with only those sales routes."""

    def install(names: tuple[str, ...]) -> None:
        routes = ([path(f"{name}/", STUBS[name], name=name) for name in names], "commercial")
        others = [p for p in bench_urlpatterns if not (isinstance(p, URLResolver) and p.namespace == "commercial")]
        module = types.ModuleType(f"bench_sales_stub_{next(_modules)}")
        module.urlpatterns = [path("sales/", include(routes)), *others]  # type: ignore[attr-defined]
        sys.modules[module.__name__] = module
        monkeypatch.setattr(runner, "BENCH_URLCONF", module.__name__)
        clear_url_caches()

    yield install
    clear_url_caches()


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo.run_demo(scale=demo.SCALES["small"], seed=1, reset=True)
        yield
        demo.wipe_business_tables()
        restore_seeded_rows()


def snapshot() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Account, Opportunity, Contract, RevenueEntry, Quote, AuditEntry))


def run(names: list[str], repeat: int = 2) -> list[str]:
    out = io.StringIO()
    runner.run(runner.select_measures(names), repeat=repeat, out=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_p2s_times_every_sales_page(demo_data, stub_pages):
    stub_pages(tuple(STUBS))
    (line,) = map(parse, run(["P2S"]))
    assert (line["name"], line["target"], line["repeat"]) == ("P2S", "<=6", "2")
    assert line["worst"] in STUBS and "skipped" not in line
    assert all(float(line[f"{name}_ms"]) > 0 for name in STUBS)
    assert int(line["opportunities"]) == Opportunity.objects.count()


@pytest.mark.django_db
def test_p3s_query_counts_are_flat_over_sizes_and_page_sizes(demo_data, stub_pages):
    stub_pages(tuple(STUBS))
    before = snapshot()
    (line,) = map(parse, run(["P3S"]))
    assert (line["ratio"], line["target"], line["page_sizes"]) == ("1.00", "<=1", "10/100")
    small, large = (int(size) for size in line["opportunities"].split("/"))
    assert large == small * 10
    for name in STUBS:
        counts = [int(count) for count in line[name].split(",")]
        assert len(counts) == 4 and len(set(counts)) == 1, (name, counts)
    # The API lists are measured once they exist, and named as skipped until then.
    for name in sales_measures.API_LISTS:
        assert (name in line) != (name in line.get("skipped", "").split(","))
    assert snapshot() == before  # the growth was rolled back


@pytest.mark.django_db
def test_p4s_compares_each_page_with_a_hundredth_of_the_accounts(demo_data, stub_pages):
    stub_pages(tuple(STUBS))
    before = snapshot()
    (line,) = map(parse, run(["P4S"]))
    assert (line["name"], line["target"], line["repeat"]) == ("P4S", "<=1.3", "2")
    full, small = (int(size) for size in line["opportunities"].split("/"))
    assert 0 < small < full / 20
    assert line["opportunity_list_rows"] == f"50/{min(50, small)}"
    assert snapshot() == before  # the shrinking was rolled back


@pytest.mark.django_db
def test_shrink_leaves_only_the_kept_accounts_rows(demo_data):
    kept = set(Account.objects.filter(pk__in=range(100, 401, 100)).values_list("pk", flat=True))
    sales_measures.shrink(100)  # rolled back with the test's transaction
    assert set(Account.objects.values_list("pk", flat=True)) == kept
    for model in (Opportunity, Contract, RevenueEntry):
        assert set(model.objects.values_list("account_id", flat=True)) <= kept
    assert not Quote.objects.exclude(opportunity__account__in=kept).exists()


@pytest.mark.django_db
def test_a_missing_page_is_skipped_and_named(demo_data, stub_pages):
    stub_pages(("opportunity_list", "forecast"))
    (line,) = map(parse, run(["P2S"]))
    assert line["skipped"] == "contract_list,revenue_list"
    assert "opportunity_list_ms" in line and "contract_list_ms" not in line


@pytest.mark.django_db
def test_no_sales_page_at_all_is_an_error_saying_so(demo_data, stub_pages):
    stub_pages(())
    for line in run(["P2S", "P3S", "P4S"]):
        assert line.endswith("status=error error='no sales page exists yet (commercial:opportunity_list, "
                             "commercial:contract_list, commercial:revenue_list, commercial:forecast): measure skipped'"), line

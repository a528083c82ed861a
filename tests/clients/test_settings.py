"""The service levels settings page (clients:service_levels): everyone reads the SLA and
cadence rules, administrators edit each in place through ``sla_rule_update`` /
``cadence_rule_update`` (version-checked, audited); nobody else changes anything."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tandem.clients.models import Account, CadenceRule, SlaRule
from tandem.core.audit import history_for
from tandem.core.models import AuditAction
from tests.clients.factories import make_account, seed_service_rules
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PAGE = "/clients/settings/service-levels/"
# session, user, roles, the SLA rules, the cadence rules, and the layout's notification count
PAGE_QUERIES = 6


@pytest.fixture(autouse=True)
def rules(db):
    seed_service_rules()


def sla_url(rule: SlaRule) -> str:
    return reverse("clients:sla_rule_edit", kwargs={"sla_rule_id": rule.pk})


def cadence_url(rule: CadenceRule) -> str:
    return reverse("clients:cadence_rule_edit", kwargs={"cadence_rule_id": rule.pk})


def test_the_page_url_and_its_tables_in_choice_order(admin_user):
    assert reverse("clients:service_levels") == PAGE
    response = client_for(admin_user).get(PAGE)
    assert response.status_code == 200
    rows = response.context["sla_rows"]
    assert [row["tier"] for row in rows] == ["Strategic", "Key", "Standard", "Long tail"]
    assert response.context["priorities"] == ["Urgent", "High", "Normal", "Low"]
    assert [cell["text"] for cell in rows[0]["cells"]] == ["2 h", "4 h", "8 h", "16 h"]
    assert [row["cell"]["text"] for row in response.context["cadence_rows"]] == [
        "Every 14 days", "Every 30 days", "Every 60 days", "Every 90 days",
    ]
    html = response.content.decode()
    assert html.count('data-testid="rule-cell"') == 20
    assert html.count('>Edit<span class="visually-hidden">') == 20


@pytest.mark.parametrize("role", ["executive", "account_manager", "project_manager", "member"])
def test_others_read_the_page_without_edit_controls(role, request):
    user = request.getfixturevalue(role)
    response = client_for(user).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="rule-cell"') == 20
    assert "Edit<span" not in html
    assert "Administrators change them." in html


def test_page_query_count_is_pinned(admin_user, django_assert_num_queries):
    client = client_for(admin_user)
    client.get(PAGE)  # warm the content-type cache, as a running server has it
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(PAGE).status_code == 200


def test_admin_edits_an_sla_rule_in_place(admin_user):
    rule = SlaRule.objects.get(tier="key", priority="high")
    client = client_for(admin_user)
    form = client.get(sla_url(rule), **HTMX)
    assert form.status_code == 200
    assert f'id="sla-rule-{rule.pk}-response_hours"' in form.content.decode()
    response = client.post(sla_url(rule), {"response_hours": "6.5", "version": rule.version}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<td id="sla-rule-{rule.pk}" data-testid="rule-cell">' in html
    assert "6.50 h" in html and "Saved" in html
    rule.refresh_from_db()
    assert (rule.response_hours, rule.version) == (Decimal("6.50"), 2)
    entry = history_for(rule)[0]
    assert (entry.action, entry.actor_id, entry.changes) == (
        AuditAction.UPDATE, admin_user.pk, {"response_hours": ["8.00", "6.50"]},
    )


def test_admin_edits_a_cadence_rule_without_javascript_and_check_ins_are_re_dated(admin_user):
    rule = CadenceRule.objects.get(tier="standard")
    account = make_account(name="Steady", tier="standard")
    started = account.lifecycle_changed_at
    client = client_for(admin_user)
    assert client.get(cadence_url(rule)).status_code == 200
    response = client.post(cadence_url(rule), {"check_in_days": "45", "version": rule.version})
    assert response.status_code == 302 and response["Location"] == PAGE
    rule.refresh_from_db()
    assert (rule.check_in_days, rule.version) == (45, 2)
    assert Account.objects.get(pk=account.pk).check_in_due_at == started + dt.timedelta(days=45)
    entry = history_for(rule)[0]
    assert (entry.action, entry.actor_id, entry.changes) == (AuditAction.UPDATE, admin_user.pk, {"check_in_days": [60, 45]})


def test_a_stale_edit_answers_409_and_changes_nothing(admin_user):
    rule = SlaRule.objects.get(tier="strategic", priority="urgent")
    client = client_for(admin_user)
    assert client.post(sla_url(rule), {"response_hours": "3", "version": 1}, **HTMX).status_code == 200
    stale = client.post(sla_url(rule), {"response_hours": "5", "version": 1}, **HTMX)
    assert stale.status_code == 409
    assert 'data-testid="conflict"' in stale.content.decode()
    rule.refresh_from_db()
    assert (rule.response_hours, rule.version) == (Decimal("3.00"), 2)
    assert history_for(rule).count() == 1


def test_an_invalid_value_is_shown_back_and_nothing_changes(admin_user):
    rule = CadenceRule.objects.get(tier="key")
    response = client_for(admin_user).post(cadence_url(rule), {"check_in_days": "400", "version": rule.version}, **HTMX)
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 366." in response.content.decode()
    rule.refresh_from_db()
    assert (rule.check_in_days, rule.version) == (30, 1)


@pytest.mark.parametrize("role", ["executive", "account_manager", "project_manager", "member"])
def test_non_admins_may_not_edit_a_rule(role, request):
    user = request.getfixturevalue(role)
    client = client_for(user)
    sla = SlaRule.objects.get(tier="key", priority="normal")
    cadence = CadenceRule.objects.get(tier="key")
    assert client.get(sla_url(sla), **HTMX).status_code == 403
    assert client.post(sla_url(sla), {"response_hours": "1", "version": sla.version}, **HTMX).status_code == 403
    assert client.post(cadence_url(cadence), {"check_in_days": "7", "version": cadence.version}).status_code == 403
    sla.refresh_from_db()
    cadence.refresh_from_db()
    assert (sla.response_hours, sla.version, cadence.check_in_days, cadence.version) == (Decimal("16.00"), 1, 30, 1)
    assert history_for(sla).count() == 0 and history_for(cadence).count() == 0


def test_a_missing_rule_is_404(admin_user):
    client = client_for(admin_user)
    assert client.get(reverse("clients:sla_rule_edit", kwargs={"sla_rule_id": 987654})).status_code == 404
    assert client.get(reverse("clients:cadence_rule_edit", kwargs={"cadence_rule_id": 987654})).status_code == 404

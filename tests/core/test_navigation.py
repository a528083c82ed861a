"""The sidebar and the user menu, built from what the apps register with
``tandem.core.registry``: each role sees exactly the entries it may use, grouped by area,
the current page marked, at no query cost."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tandem.core import registry
from tandem.core.roles import Role
from tandem.people.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CLIENT_DESK = ["Accounts", "Contacts", "Interactions", "Inquiries", "Follow-ups", "Needs attention"]
SALES_DESK = ["Pipeline", "Opportunities", "Quotes", "Contracts", "Forecast", "Revenue", "Budgets", "Profitability", "Expenses", "Catalog"]


def sidebar(user) -> list[tuple[str, list[str]]]:
    """(area heading, entry labels) as the page shows them, read from the HTML."""
    html = client_for(user).get(reverse("home")).content.decode()
    nav = re.search(r'<nav class="sidebar-nav" aria-label="Main">(.*?)</nav>', html, re.S)
    assert nav, "no sidebar"
    areas = []
    for block in re.findall(r'<div class="sidebar-area">(.*?)</ul>', nav.group(1), re.S):
        heading = re.search(r'<div class="sidebar-heading"[^>]*>([^<]*)</div>', block)
        labels = re.findall(r"<span>([^<]*)</span></a>", block)
        areas.append((heading.group(1) if heading else "", labels))
    return areas


def user_menu(user) -> list[str]:
    html = client_for(user).get(reverse("home")).content.decode()
    menu = re.search(r'<ul class="dropdown-menu dropdown-menu-end" aria-labelledby="user-menu-button">(.*?)</ul>', html, re.S)
    assert menu, "no user menu"
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r'class="dropdown-item[^"]*"[^>]*>(.*?)</(?:a|button)>', menu.group(1), re.S)]


def test_admin_sidebar(admin_user):
    assert sidebar(admin_user) == [
        ("", ["Home"]),
        ("Clients", [*CLIENT_DESK, "Imports"]),
        ("Sales", SALES_DESK),
        ("Delivery", ["Projects", "My tasks", "Timesheet", "Time approvals", "Capacity", "People", "Teams"]),
        ("Governance", ["Status reports", "Meetings", "My responsibilities", "Risks"]),
        ("Settings", ["Working calendar", "Service levels", "Sign-in activity", "Pipeline stages", "Exchange rates", "Price lists", "Rate cards", "Webhooks", "Chat channels", "Delivery failures", "Admin"]),
    ]


def test_executive_sidebar(executive):
    assert sidebar(executive) == [
        ("", ["Home"]),
        ("Clients", CLIENT_DESK),
        ("Sales", SALES_DESK),
        ("Delivery", ["Projects", "My tasks", "Capacity", "People", "Teams"]),
        ("Governance", ["Status reports", "Meetings", "My responsibilities", "Risks"]),
        ("Settings", ["Working calendar", "Service levels", "Exchange rates", "Price lists", "Rate cards"]),
    ]


def test_account_manager_sidebar(account_manager):
    assert sidebar(account_manager) == [
        ("", ["Home"]),
        ("Clients", [*CLIENT_DESK, "Imports"]),
        ("Sales", SALES_DESK),
        ("Delivery", ["Projects", "My tasks", "Timesheet", "People", "Teams"]),
        ("Governance", ["Meetings", "My responsibilities", "Risks"]),
        ("Settings", ["Working calendar", "Service levels", "Exchange rates", "Price lists", "Rate cards"]),
    ]


def test_project_manager_sidebar(project_manager):
    assert sidebar(project_manager) == [
        ("", ["Home"]),
        ("Clients", ["Inquiries", "Follow-ups"]),
        ("Sales", ["Catalog"]),
        ("Delivery", ["Projects", "My tasks", "Timesheet", "Time approvals", "Capacity", "People", "Teams"]),
        ("Governance", ["Status reports", "Meetings", "My responsibilities", "Risks"]),
        ("Settings", ["Working calendar", "Chat channels"]),
    ]


def test_member_sidebar(member):
    assert sidebar(member) == [
        ("", ["Home"]),
        ("Clients", ["Inquiries", "Follow-ups"]),
        ("Sales", ["Catalog"]),
        ("Delivery", ["Projects", "My tasks", "Timesheet", "People", "Teams"]),
        ("Governance", ["Meetings", "My responsibilities", "Risks"]),
        ("Settings", ["Working calendar"]),
    ]


def test_every_role_has_the_user_menu_and_its_profile_is_their_own_page(users_by_role):
    for role, user in users_by_role.items():
        assert user_menu(user) == ["Profile", "API tokens", "Change password", "Calendar feeds", "Log out"], role
        html = client_for(user).get(reverse("home")).content.decode()
        assert f'href="{reverse("people:user_detail", kwargs={"user_id": user.pk})}"' in html
        assert '<form method="post" action="/logout/">' in html


def test_current_page_is_marked_once_with_the_longest_match(account_manager):
    client = client_for(account_manager)
    html = client.get(reverse("people:calendar")).content.decode()
    current = re.findall(r'<a class="sidebar-link active" href="([^"]+)" aria-current="page">', html)
    assert current == [reverse("people:calendar")]
    account_list = reverse("clients:account_list")
    html = client.get(account_list + "?page=1").content.decode()
    assert re.findall(r'<a class="sidebar-link active" href="([^"]+)" aria-current="page">', html) == [account_list]
    home = client.get(reverse("home")).content.decode()
    assert re.findall(r'<a class="sidebar-link active" href="([^"]+)" aria-current="page">', home) == ["/"]


def test_sidebar_costs_no_query_once_the_roles_are_loaded(django_assert_num_queries, users_by_role):
    for user in users_by_role.values():
        fresh = User.objects.prefetch_related("role_assignments").get(pk=user.pk)
        with django_assert_num_queries(0):
            areas = registry.navigation_for(fresh, "/people/users/")
            menu = registry.user_menu_for(fresh, "/")
        assert [link.label for area in areas for link in area.links if link.active] == ["People"]
        assert [link.label for link in menu] == ["Profile", "API tokens", "Change password", "Calendar feeds"]


def test_anonymous_pages_show_the_brand_only(client):
    html = client.get(reverse("login")).content.decode()
    assert 'class="sidebar-nav"' not in html
    assert 'id="user-menu-button"' not in html
    assert "Skip to main content" in html


def test_an_unknown_area_is_refused():
    with pytest.raises(ValueError, match="Unknown navigation area 'sales-ops'"):
        registry.nav_entry(area="sales-ops", label="Deals", url_name="home", icon="coin")


def test_a_registered_entry_shows_where_it_belongs_and_an_empty_area_stays_hidden(member, monkeypatch):
    monkeypatch.setattr(registry, "NAV_ENTRIES", list(registry.NAV_ENTRIES))
    registry.nav_entry(area="insights", label="Dashboards", url_name="core:notifications", icon="chart-bar", order=5,
                       visible=lambda user: Role.ADMIN in user.roles)
    registry.settings_page(label="Rules", url_name="core:search", icon="adjustments", order=5)
    registry.nav_entry(area="sales", label="Missing", url_name="no-such-url", icon="x")
    assert sidebar(member)[-1] == ("Settings", ["Rules", "Working calendar"])
    assert "Insights" not in [heading for heading, _ in sidebar(member)]
    assert ("Sales", ["Catalog"]) in sidebar(member)  # the entry without a URL is left out

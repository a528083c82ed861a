"""The list framework (tandem.core.lists), saved views and page numbers.

The framework is exercised through the client lists that declare themselves with it
(the account list has presets, bulk actions and a default view); saved views through
their services, policy, menu and pages."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.core import lists
from tandem.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from tandem.core.lists import (
    Column,
    ListFilterForm,
    normalise_query,
    selected_ids,
    selected_versions,
)
from tandem.core.models import AuditEntry, SavedView
from tandem.core.pagination import Page, page_links
from tandem.core.permissions import get_visible, scoped
from tandem.core.roles import Role
from tandem.core.saved_views import saved_view_list
from tandem.core.services_saved_views import saved_view_create, saved_view_delete
from tandem.core.widgets import FastSelect
from tests.clients.factories import make_account
from tests.conftest import client_for
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def names(response) -> list[str]:
    return [row[0]["name"] for row in response.context["rows"]]


# --- The framework --------------------------------------------------------------------------


class ColourForm(ListFilterForm):
    sort_keys = ("name",)
    default_sort = "name"

    from django import forms

    q = forms.CharField(required=False)
    colour = forms.ChoiceField(required=False, choices=[("", "Any"), ("red", "Red")])
    flag = forms.BooleanField(required=False)


def test_filter_form_styles_widgets_and_ignores_junk():
    form = ColourForm({"q": "x", "colour": "blue", "flag": "on", "sort": "nope", "per_page": "many"})
    values = form.values()
    assert values == {"q": "x", "colour": "", "flag": True, "sort": "name", "per_page": ""}
    assert ColourForm({"per_page": "7"}).values()["per_page"] == "7"  # a size from a link
    assert type(form.fields["colour"].widget) is FastSelect
    assert form.fields["colour"].widget.attrs["class"] == "form-select"
    assert form.fields["flag"].widget.attrs["class"] == "form-check-input"
    assert form.fields["q"].widget.input_type == "search"
    assert form.filter_names() == ["q", "colour", "flag"]
    assert [value for value, _ in form.fields["sort"].choices] == ["", "name", "-name"]


def test_query_helpers():
    assert normalise_query("sort=name&page=3&owner=4&format=csv&q=&view=all") == "owner=4&sort=name"
    from django.http import QueryDict

    query = QueryDict("id=12:3&id=x&id=14")
    assert selected_ids(query) == [12, 14]
    assert selected_versions(query) == {12: 3}
    assert selected_ids(QueryDict("")) is None


def test_headers_and_phone_columns():
    headers = lists.headers({"tier": "key"}, "name", [Column("Name", sort="name"), Column("Value", align="end")])
    assert headers[0].url_query == "tier=key&sort=-name" and headers[0].aria_sort == "ascending"
    assert not headers[1].sortable and headers[1].align == "end"
    from tandem.clients.views.lists import AccountList

    # Name, manager and next check-in are shown on phones; the checkbox column shifts them.
    hidden = AccountList.phone_hidden_classes
    assert hidden(AccountList.columns, with_select=True) == "list-hide-3 list-hide-4 list-hide-6"
    assert hidden(AccountList.columns, with_select=False) == "list-hide-2 list-hide-3 list-hide-5"


def test_lists_register_by_key():
    from tandem.clients.views.lists import AccountList, ContactList, InquiryQueue, InteractionList

    assert [lists.registered(key) for key in ("accounts", "contacts", "interactions", "inquiries")] == [
        AccountList, ContactList, InteractionList, InquiryQueue,
    ]
    assert lists.registered("nothing") is None

    class Clash(lists.ListView):
        key = "accounts"

    with pytest.raises(ValueError, match="already registered"):
        lists.register(Clash)


# --- Page numbers ---------------------------------------------------------------------------


def page(number: int, total: int, per_page: int = 10, capped: bool = False) -> Page:
    items = list(range(min(per_page, max(0, total - (number - 1) * per_page)))) or [0]
    return Page(items=items, number=number, per_page=per_page, total=total, total_is_capped=capped)


def test_page_numbers_with_first_last_and_gaps():
    assert page(1, 30).page_numbers() == [1, 2, 3]
    assert page(6, 200).page_numbers() == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page(1, 200).page_numbers() == [1, 2, 3, None, 20]
    assert page(20, 200).page_numbers() == [1, None, 18, 19, 20]
    assert page(1, 5).page_numbers() == []  # one page: no numbers
    assert page(3, 1000, capped=True).page_numbers() == []  # beyond the cap: step on
    links = page_links(page(6, 200), {"tier": "key"})
    assert links.first == "tier=key&page=1"
    assert links.last == "tier=key&page=20"
    assert links.previous == "tier=key&page=5" and links.next == "tier=key&page=7"
    assert links.numbers[2] == (4, "tier=key&page=4") and links.numbers[1] == (None, "")
    edge = page_links(page(20, 200), {})
    assert edge.last == "" and edge.next == "" and edge.first == "page=1"
    capped = page_links(page(3, 1000, capped=True), {})
    assert capped.first == "page=1" and capped.last == "" and capped.numbers == []


def test_account_list_shows_page_numbers(account_manager):
    for number in range(35):
        make_account(owner=account_manager, name=f"Client {number:02d}")
    response = client_for(account_manager).get(reverse("clients:account_list"), {"per_page": "10", "page": "2"})
    body = squash(response.content.decode())
    assert '<span class="page-link">Page 2 of 4</span>' in body
    assert 'href="?per_page=10&amp;page=1" aria-label="First page">First</a>' in body
    assert 'href="?per_page=10&amp;page=4" aria-label="Last page, 4">Last</a>' in body
    assert 'href="?per_page=10&amp;page=3" aria-label="Page 3">3</a>' in body


# --- Default view and presets ----------------------------------------------------------------


@pytest.fixture
def book(account_manager, team):
    mate = make_user(role=Role.ACCOUNT_MANAGER, email="mate@example.test", full_name="Tina Teammate", team=team)
    make_account(owner=account_manager, name="Acme Ltd", tier="key")
    make_account(owner=mate, name="Bolt Works")
    make_account(owner=account_manager, name="Cobalt plc")
    return mate


def test_account_manager_opens_my_accounts_others_all(account_manager, executive, admin_user, book):
    url = reverse("clients:account_list")
    response = client_for(account_manager).get(url)
    assert names(response) == ["Acme Ltd", "Cobalt plc"]
    tabs = [(tab.label, tab.active) for tab in response.context["tabs"]]
    assert tabs == [("My accounts", True), ("All accounts", False)]
    # The owner filter shows the default's choice, and sort links keep it.
    assert response.context["filter_form"]["owner"].value() == str(account_manager.pk)
    assert response.context["headers"][0].url_query == f"owner={account_manager.pk}&sort=-name"
    everything = client_for(account_manager).get(url, {"view": "all"})
    assert names(everything) == ["Acme Ltd", "Bolt Works", "Cobalt plc"]
    assert [tab.active for tab in everything.context["tabs"]] == [False, True]
    for viewer in (executive, admin_user):
        response = client_for(viewer).get(url)
        assert names(response) == ["Acme Ltd", "Bolt Works", "Cobalt plc"]
        assert [(tab.label, tab.active) for tab in response.context["tabs"]] == [("All accounts", True)]


# --- Saved views ----------------------------------------------------------------------------


@pytest.fixture
def outsider():
    return make_user(role=Role.ACCOUNT_MANAGER, email="out@example.test", full_name="Oscar Other", team=make_team(name="North"))


def test_saved_view_create_private_and_team(account_manager, member, outsider, admin_user, executive):
    private = saved_view_create(
        actor=account_manager, list_key="accounts", name=" Key ", query="sort=name&tier=key&page=2", visibility="private"
    )
    shared = saved_view_create(
        actor=account_manager, list_key="accounts", name="Overdue", query="overdue=on", visibility="team"
    )
    assert (private.name, private.query, private.team_id) == ("Key", "sort=name&tier=key", None)
    assert shared.team_id == account_manager.person.team_id
    entry = AuditEntry.objects.filter(object_id=str(private.pk), content_type__model="savedview").get()
    assert entry.action == "create" and entry.actor_id == account_manager.pk
    # Who sees which: the owner both, a team-mate (any role) the shared one, another
    # team's manager none, admins all, executives only their own (none).
    visible = {user: sorted(v.name for v in scoped(user, SavedView)) for user in (account_manager, member, outsider, admin_user, executive)}
    assert visible == {
        account_manager: ["Key", "Overdue"], member: ["Overdue"], outsider: [], admin_user: ["Key", "Overdue"], executive: [],
    }
    assert [v.name for v in saved_view_list(actor=member, list_key="accounts")] == ["Overdue"]
    assert saved_view_list(actor=member, list_key="contacts") == []
    with pytest.raises(NotFoundError):
        get_visible(outsider, SavedView, private.pk)


def test_saved_view_validation(account_manager, executive):
    saved_view_create(actor=account_manager, list_key="accounts", name="Mine", query="", visibility="private")
    cases = [
        ({"name": "Mine"}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 61}, "name"),
        ({"visibility": "world"}, "visibility"),
    ]
    for change, field in cases:
        arguments = {"list_key": "accounts", "name": "Other", "query": "", "visibility": "private", **change}
        with pytest.raises(ValidationError) as error:
            saved_view_create(actor=account_manager, **arguments)
        assert field in error.value.message_dict
    # An executive in no team cannot share with a team.
    with pytest.raises(ValidationError) as error:
        saved_view_create(actor=executive, list_key="accounts", name="Board", query="", visibility="team")
    assert error.value.message_dict == {"visibility": ["You are in no team, so the view can only be yours."]}
    assert SavedView.objects.count() == 1


def test_saved_view_delete_owner_only_and_stale_is_409(account_manager, member, admin_user):
    shared = saved_view_create(actor=account_manager, list_key="accounts", name="Team", query="tier=key", visibility="team")
    with pytest.raises(PermissionDeniedError):
        saved_view_delete(actor=member, saved_view=shared)
    assert SavedView.objects.filter(pk=shared.pk).exists()
    SavedView.objects.filter(pk=shared.pk).update(version=2)  # renamed elsewhere meanwhile
    with pytest.raises(ConflictError):
        saved_view_delete(actor=account_manager, saved_view=shared, expected_version=1)
    assert SavedView.objects.filter(pk=shared.pk).exists()
    # Through the page: a stale version answers 409 and deletes nothing.
    response = client_for(account_manager).post(
        reverse("core:saved_view_delete", kwargs={"saved_view_id": shared.pk}), {"version": "1"}
    )
    assert response.status_code == 409
    assert SavedView.objects.filter(pk=shared.pk).exists()
    response = client_for(admin_user).post(
        reverse("core:saved_view_delete", kwargs={"saved_view_id": shared.pk}), {"version": "2"}
    )
    assert response.status_code == 302
    assert not SavedView.objects.filter(pk=shared.pk).exists()


def test_save_view_in_place_then_reopen_applies_its_query(account_manager, member, book):
    client = client_for(account_manager)
    list_url = reverse("clients:account_list")
    page = squash(client.get(list_url, {"view": "all", "tier": "key"}).content.decode())
    assert '<input type="hidden" name="query" value="tier=key">' in page
    response = client.post(
        reverse("core:saved_view_create"),
        {"list_key": "accounts", "name": "Key accounts", "visibility": "team", "query": "tier=key"},
        **HTMX,
    )
    assert response.status_code == 200
    body = squash(response.content.decode())
    assert body.lstrip().startswith('<div id="saved-views"')
    assert 'View “Key accounts” saved.' in body
    assert f'href="{list_url}?tier=key" aria-current="page" data-testid="view-tab">Key accounts</a>' in body
    view = SavedView.objects.get()
    assert (view.owner, view.query, view.visibility) == (account_manager, "tier=key", "team")
    # Reopening applies the query, and its tab is the active one.
    reopened = client.get(list_url + "?tier=key")
    assert names(reopened) == ["Acme Ltd"]
    assert [(tab.label, tab.active) for tab in reopened.context["tabs"]] == [
        ("My accounts", False), ("All accounts", False), ("Key accounts", True),
    ]
    # A team-mate sees it, marked as the team's, without a delete button.
    mate_page = squash(client_for(member).get(list_url).content.decode())
    assert 'Key accounts <span class="badge text-bg-light border">Team</span>' in mate_page
    assert "Delete the view Key accounts" not in mate_page
    # Without JavaScript: a redirect to the list with the view's query.
    response = client.post(
        reverse("core:saved_view_create"), {"list_key": "accounts", "name": "Prospects", "visibility": "private",
                                            "query": "lifecycle=prospect&page=4"}
    )
    assert response.status_code == 302 and response["Location"] == f"{list_url}?lifecycle=prospect"


def test_save_view_errors_and_unknown_list(account_manager):
    client = client_for(account_manager)
    response = client.post(reverse("core:saved_view_create"), {"list_key": "accounts", "name": "", "visibility": "private"}, **HTMX)
    assert "Give the view a name." in response.content.decode()
    response = client.post(reverse("core:saved_view_create"), {"list_key": "secret", "name": "x", "visibility": "private"})
    assert response.status_code == 404
    assert SavedView.objects.count() == 0


def test_saved_views_cost_one_query_on_full_pages_only(account_manager, book, django_assert_num_queries):
    client = client_for(account_manager)
    saved_view_create(actor=account_manager, list_key="accounts", name="Key", query="tier=key", visibility="private")
    client.get(reverse("clients:account_list"))
    with django_assert_num_queries(8):  # session, user, roles, badge, owners, count, rows, saved views
        client.get(reverse("clients:account_list"))
    with django_assert_num_queries(6):
        client.get(reverse("clients:account_list"), **HTMX)

"""Account pages: the 360° page (exact content, query count pinned at two data sizes),
create / edit (stale version refused), lifecycle, delete, needs / goals / challenges in
place, and every role: admin, executive (read-only), the owner, a team-mate, an account
manager of another team (404), project manager and member (404). Denied writes change
nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.clients import services
from tandem.clients.models import Account, AccountItem, AccountStatusChange
from tandem.core.models import AuditEntry
from tests.clients.factories import make_account, make_contact, make_inquiry, make_interaction
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# The account's tabs each cost at most 12 queries, whatever the number of interactions,
# contacts, items, feedback and inquiries (see test_account_tabs_query_counts_are_bounded).
# Every tab: session, user, roles; the account with its header's counts and its tier's
# cadence (one query); the layout's unread-notification count.
TAB_BASE_QUERIES = 3 + 1 + 1
# The Overview: the timeline (interactions with their participants' names; feedback,
# inquiries and lifecycle changes in one query; commercial's opportunities, quotes and
# contracts; governance's comments), the open follow-ups.
ACCOUNT_PAGE_QUERIES = TAB_BASE_QUERIES + 2 + 3 + 1 + 1
# The Profile: contacts, items, open inquiries, feedback summary and latest, history
# and the names of the people it names (one query per related model: the owner).
PROFILE_QUERIES = TAB_BASE_QUERIES + 1 + 1 + 1 + 2 + 2
# The other apps' tabs (their sections: commercial, delivery, governance): Sales, the
# revenue-and-pipeline section (base currency; open pipeline; active contracts; budget;
# revenue; costs: expenses, delivery's time); Projects, delivery's projects, commercial's
# project requests and cross-sell ideas (similar accounts; 3 once there are two or more);
# Relationship, governance's meetings, relationship risks and SWOT analyses, discussion.
OTHER_TAB_QUERIES = {
    "commercial:account_sales": TAB_BASE_QUERIES + 7,
    "delivery:account_projects": TAB_BASE_QUERIES + 1 + 1 + 1,
    "governance:account_relationship": TAB_BASE_QUERIES + 1 + 2 + 1,
}


@pytest.fixture(autouse=True)
def _fast_hashing(fast_password_hashing):
    pass


@pytest.fixture
def account(acme):
    return acme


def text(response) -> str:
    return response.content.decode()


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def audit_count() -> int:
    return AuditEntry.objects.count()


# --- Who sees the account page ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "can_change"),
    [
        ("admin", 200, True),
        ("executive", 200, False),
        ("owner", 200, True),
        ("teammate", 200, True),
        ("outsider", 404, None),
        ("project_manager", 404, None),
        ("member", 404, None),
    ],
)
def test_account_page_by_role(people, account, who, status, can_change):
    response = client_for(people[who]).get(reverse("clients:account_detail", kwargs={"account_id": account.pk}))
    assert response.status_code == status
    for tab in ("clients:account_profile", *OTHER_TAB_QUERIES):  # every tab answers alike
        assert client_for(people[who]).get(reverse(tab, kwargs={"account_id": account.pk})).status_code == status, tab
    if status == 404:
        assert "Acme Ltd" not in text(response)
        return
    body = text(response)
    assert response.context["can_change"] is can_change
    assert ('id="log-interaction"' in body) is can_change
    assert (f'href="/clients/accounts/{account.pk}/edit/"' in body) is can_change
    assert (f'href="/clients/accounts/{account.pk}/delete/"' in body) is can_change


def test_account_page_content(owner, account):
    contact = make_contact(account=account, first_name="Dana", last_name="Decider", job_title="CTO",
                           is_primary=True, is_decision_maker=True, email_opt_out=True)
    make_contact(account=account, first_name="Lou", last_name="Left", is_active=False, do_not_call=True)
    services.account_item_create(actor=owner, account=account, data={"kind": "need", "title": "Faster reporting"})
    services.account_item_create(actor=owner, account=account, data={"kind": "goal", "title": "Expand to France", "status": "in_progress"})
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    make_interaction(account=account, subject="Quarterly review", kind="qbr", occurred_at=ten_days_ago, summary="Went well.")
    inquiry = make_inquiry(account=account, subject="Invoice question")
    services.feedback_create(actor=owner, account=account, data={"sentiment": "positive", "text": "Great work"}, contact=contact)

    response = client_for(owner).get(reverse("clients:account_detail", kwargs={"account_id": account.pk}))
    body = squash(text(response))
    profile = client_for(owner).get(reverse("clients:account_profile", kwargs={"account_id": account.pk}))
    profile_body = squash(text(profile))
    assert "<h1 class=\"h2 mb-1\">Acme Ltd</h1>" in body and "<h1 class=\"h2 mb-1\">Acme Ltd</h1>" in profile_body
    assert '<span class="badge text-bg-dark">Key tier</span>' in body
    assert '<span class="badge text-bg-success">Active customer</span>' in body
    assert '<dd data-testid="owner">Alan Account</dd>' in body
    assert "<dd>Logistics</dd>" in body
    assert "<dd>50\N{EN DASH}249 employees</dd>" in body
    assert '<a href="https://www.acme.example/about" rel="noopener noreferrer">acme.example</a>' in body
    assert '<dd data-testid="last-contact">10 days ago · check-in every 30 days </dd>' in body
    assert 'data-testid="overdue"' not in body
    # The counts link to the Profile tab, where the contacts and inquiries are.
    profile_url = f"/clients/accounts/{account.pk}/profile/"
    assert f'<dd data-testid="contact-count"><a href="{profile_url}#account-contacts">1</a></dd>' in body  # the one who left is not counted
    assert f'<dd data-testid="open-inquiry-count"><a href="{profile_url}#account-inquiries">1</a></dd>' in body
    # The tabs: the Overview (this page), the Profile, then the other apps' tabs.
    tabs = re.search(r'data-testid="account-tabs">(.*?)</ul>', body, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', tabs) == [
        f"/clients/accounts/{account.pk}/", profile_url, f"/sales/accounts/{account.pk}/",
        f"/delivery/accounts/{account.pk}/", f"/governance/accounts/{account.pk}/",
    ]
    assert re.findall(r'</i>([^<]+)</a>', tabs) == ["Overview", "Profile", "Sales", "Projects", "Relationship"]
    assert 'aria-current="page"><i class="ti ti-layout-dashboard me-1" aria-hidden="true"></i>Overview' in tabs
    # The Overview holds the timeline and the follow-ups; the Profile the rest.
    assert 'id="timeline-heading"' in body and 'id="follow-ups"' in body
    assert 'id="account-items"' not in body and 'id="account-contacts"' not in body and 'id="history-heading"' not in body
    assert 'id="timeline-heading"' not in profile_body and 'id="follow-ups"' not in profile_body
    assert 'aria-current="page"><i class="ti ti-address-book me-1" aria-hidden="true"></i>Profile' in profile_body
    body = profile_body
    # Needs / goals / challenges with their status
    assert "<strong>Faster reporting</strong>" in body
    assert '<span class="badge text-bg-info" data-testid="item-status">In progress</span>' in body
    # Preferences
    assert "<dt>Preferred channel</dt><dd>Video call</dd>" in body
    assert "<dt>Meeting rhythm</dt><dd>Monthly steering</dd>" in body
    assert "<dt>Check-in cadence</dt><dd>Every 30 days (key tier default)</dd>" in body
    assert "<dt>Notes</dt><dd>No calls on Fridays.</dd>" in body
    # Contacts with their flags
    assert '<span class="badge text-bg-brand">Primary</span>' in body
    assert '<span class="badge text-bg-dark">Decision maker</span>' in body
    assert '<span class="badge text-bg-warning">No e-mail</span>' in body
    assert '<span class="badge text-bg-warning">Do not call</span>' in body
    assert '<span class="badge text-bg-secondary">Left</span>' in body
    # One timeline, newest first: feedback and the inquiry (just now), the creation of
    # the account (a moment before), then the QBR of 10 days ago.
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert sorted(kinds[:2]) == ["feedback", "inquiry"]
    assert kinds[2:] == ["lifecycle", "interaction"]
    overview = squash(text(response))
    assert "Quarterly business review: Quarterly review" in overview
    assert f'<a href="/clients/inquiries/{inquiry.pk}/">Inquiry: Invoice question</a>' in overview
    assert '<p class="mb-2" data-testid="feedback-summary">1 in all: 1 positive, 0 neutral, 0 negative.</p>' in body
    assert '<span class="badge text-bg-success" data-testid="sla-state">On track</span>' in body or \
        'data-testid="sla-state">At risk</span>' in body or 'data-testid="sla-state">Breached</span>' in body
    # History (audit trail of the account)
    assert 'id="history-heading"' in body
    assert "created the account Acme Ltd" in body
    # Assets: tom-select from the vendored copy, no inline script (CSP).
    assert "/static/vendor/tom-select/js/tom-select.complete.min.js" in body
    assert "<script>" not in body


def test_overdue_badge_when_check_in_passed(owner, account):
    make_interaction(account=account, subject="Old call", occurred_at=timezone.now() - dt.timedelta(days=45))
    body = squash(text(client_for(owner).get(reverse("clients:account_detail", kwargs={"account_id": account.pk}))))
    assert '45 days ago · check-in every 30 days <span class="badge text-bg-danger" data-testid="overdue">Overdue</span>' in body


def test_timeline_shows_both_sides_of_an_interaction(owner, teammate, account):
    dana = make_contact(account=account, first_name="Dana", last_name="Decider")
    interaction = make_interaction(account=account, subject="Steering meeting")
    interaction.contacts.set([dana])
    interaction.users.set([owner, teammate])
    alone = make_interaction(account=account, subject="Quick call", occurred_at=timezone.now() - dt.timedelta(hours=1))
    body = squash(text(client_for(owner).get(reverse("clients:account_detail", kwargs={"account_id": account.pk}))))
    assert (' · with <span data-testid="interaction-contacts">Dana Decider</span>'
            ' · our side: <span data-testid="interaction-users">Alan Account, Tina Teammate</span></p>') in body
    entry = body[body.index(f'id="timeline-entry-interaction-{alone.pk}"'):]
    entry = entry[:entry.index("</li>")]
    assert "our side" not in entry and "interaction-contacts" not in entry


def _history(owner, account, size):
    contacts = [make_contact(account=account) for _ in range(min(size, 6))]
    for number in range(size):
        interaction = make_interaction(account=account, subject=f"Call {number}", occurred_at=timezone.now() - dt.timedelta(hours=number))
        interaction.contacts.set(contacts[:3])
        interaction.users.set([owner])
        services.follow_up_create(actor=None, account=account, owner=owner, due_date=timezone.localdate(), description=f"Do {number}")
        make_inquiry(account=account, subject=f"Question {number}")
        services.feedback_create(actor=None, account=account, data={"sentiment": "neutral", "text": f"Said {number}"})
        services.account_item_create(actor=owner, account=account, data={"kind": "challenge", "title": f"Challenge {number}"})
        services.account_set_lifecycle(actor=None, account=account, lifecycle="churned" if number % 2 == 0 else "active")


def test_account_tabs_query_counts_are_bounded(owner, admin_user, django_assert_num_queries):
    """The same number of queries, at most 12 on each tab, for an account with one of
    everything and for one with a long history (60 interactions, inquiries, feedback,
    items, lifecycle moves), each history naming people (the owner, moved away and back)."""
    small = make_account(owner=owner, name="Small")
    big = make_account(owner=owner, name="Big")
    _history(owner, small, 1)
    _history(owner, big, 60)
    for account in (small, big):
        for new_owner in (None, owner):
            services.account_update(actor=admin_user, account=Account.objects.get(pk=account.pk), data={"owner": new_owner})
    client = client_for(owner)
    for account in (small, big):
        url = reverse("clients:account_detail", kwargs={"account_id": account.pk})
        client.get(url)  # warm the content-type cache, as a running server has it
        with django_assert_num_queries(ACCOUNT_PAGE_QUERIES):
            response = client.get(url)
        assert response.status_code == 200
        profile_url = reverse("clients:account_profile", kwargs={"account_id": account.pk})
        with django_assert_num_queries(PROFILE_QUERIES):
            profile = client.get(profile_url)
        assert profile.status_code == 200
        for name, queries in OTHER_TAB_QUERIES.items():
            with django_assert_num_queries(queries):
                assert client.get(reverse(name, kwargs={"account_id": account.pk})).status_code == 200
    assert len(response.context["timeline"]) == 50
    assert len(profile.context["open_inquiries"]) == 10
    assert max(ACCOUNT_PAGE_QUERIES, PROFILE_QUERIES, *OTHER_TAB_QUERIES.values()) <= 12


def test_timeline_filter_by_kind_htmx_partial(owner, account):
    make_interaction(account=account, subject="Call one")
    services.feedback_create(actor=owner, account=account, data={"sentiment": "negative", "text": "Late delivery"})
    client = client_for(owner)
    url = reverse("clients:account_timeline", kwargs={"account_id": account.pk})
    response = client.get(url, {"show": "feedback"}, **HTMX)
    body = text(response)
    assert response.status_code == 200
    assert body.startswith('<div id="timeline" class="timeline">')
    assert "<html" not in body
    assert [entry.kind for entry in response.context["timeline"]] == ["feedback"]
    assert "Negative feedback" in body and "Call one" not in body
    # Without HTMX: the account page, filtered.
    response = client.get(url, {"show": "interaction"})
    assert response.status_code == 302
    assert response["Location"] == f"/clients/accounts/{account.pk}/?show=interaction#timeline-heading"
    page = client.get(f"/clients/accounts/{account.pk}/?show=interaction")
    assert [entry.kind for entry in page.context["timeline"]] == ["interaction"]
    # An unknown kind is no filter.
    response = client.get(url, {"show": "bogus"}, **HTMX)
    assert {entry.kind for entry in response.context["timeline"]} == {"interaction", "feedback", "lifecycle"}


def test_timeline_lifecycle_entries_say_how_the_account_began_and_why_it_moved(owner, account):
    """The first entry's reason is the service's own word ("created"), said as "When the
    account was created", not shown again as a note; a later move shows its reason."""
    services.account_set_lifecycle(actor=owner, account=account, lifecycle="churned", reason="Budget cut")
    url = reverse("clients:account_timeline", kwargs={"account_id": account.pk})
    body = squash(text(client_for(owner).get(url, {"show": "lifecycle"}, **HTMX)))
    assert "When the account was created" in body
    assert '<p class="mb-1">created</p>' not in body
    assert "From active customer" in body
    assert '<p class="mb-1">Budget cut</p>' in body


def test_timeline_partial_hidden_from_outsider(people, account):
    response = client_for(people["outsider"]).get(
        reverse("clients:account_timeline", kwargs={"account_id": account.pk}), **HTMX
    )
    assert response.status_code == 404
    assert "Acme" not in text(response)


# --- Create and edit ------------------------------------------------------------------------


def account_post(**overrides):
    data = {
        "name": "Globex", "tier": "strategic", "industry": "Energy", "size": "large", "employee_count": "400",
        "annual_revenue": "1200000.50", "currency": "gbp", "website": "https://globex.example", "domain": "",
        "phone": "", "city": "Leeds", "country": "UK", "description": "", "preferred_channel": "email",
        "meeting_rhythm": "Weekly", "time_zone": "Europe/London", "language": "English",
        "preference_notes": "", "check_in_days": "7", "lifecycle": "active",
    }
    data.update(overrides)
    return data


def test_account_manager_creates_account_owned_by_them(owner):
    client = client_for(owner)
    form_page = client.get(reverse("clients:account_create"))
    owners = [choice[1] for choice in form_page.context["form"].fields["owner"].choices]
    assert owners == ["Nobody yet", "Alan Account"]  # only account managers of their team
    response = client.post(reverse("clients:account_create"), account_post(owner=owner.pk))
    account = Account.objects.get(name="Globex")
    assert response.status_code == 302
    assert response["Location"] == f"/clients/accounts/{account.pk}/"
    assert (account.owner, account.tier, account.currency, account.domain, account.check_in_days) == (owner, "strategic", "GBP", "globex.example", 7)
    assert account.lifecycle == "active" and account.customer_since == timezone.localdate()
    assert list(account.status_changes.values_list("to_status", flat=True)) == ["active"]


def test_owner_choices_are_account_managers_only(admin_user, owner, teammate, outsider, project_manager):
    form = client_for(admin_user).get(reverse("clients:account_create")).context["form"]
    labels = [label for _, label in form.fields["owner"].choices]
    assert labels == ["Nobody yet", "Alan Account", "Oscar Other", "Tina Teammate"]


def test_create_refuses_owner_outside_team_and_shows_message(owner, outsider):
    client = client_for(owner)
    response = client.post(reverse("clients:account_create"), account_post(owner=outsider.pk))
    assert response.status_code == 200
    assert "Select a valid choice. That choice is not one of the available choices." in text(response)
    assert not Account.objects.filter(name="Globex").exists()


def test_create_validation_messages_next_to_fields(owner):
    response = client_for(owner).post(reverse("clients:account_create"), account_post(name="", check_in_days="0", owner=owner.pk))
    form = response.context["form"]
    assert form.errors["name"] == ["This field is required."]
    assert form.errors["check_in_days"] == ["Ensure this value is greater than or equal to 1."]
    assert 'aria-invalid="true"' in text(response)
    assert not Account.objects.exists()


@pytest.mark.parametrize("who", ["executive", "project_manager", "member"])
def test_create_denied_changes_nothing(people, who):
    client = client_for(people[who])
    assert client.get(reverse("clients:account_create")).status_code == 403
    before = audit_count()
    assert client.post(reverse("clients:account_create"), account_post()).status_code == 403
    assert not Account.objects.exists()
    assert audit_count() == before


def test_edit_saves_and_keeps_preferences(owner, teammate, account):
    client = client_for(teammate)
    form = client.get(reverse("clients:account_edit", kwargs={"account_id": account.pk})).context["form"]
    assert form.initial["version"] == 1 and form.initial["preferred_channel"] == "video"
    data = account_post(name="Acme Group", owner=teammate.pk, version="1", check_in_days="")
    response = client.post(reverse("clients:account_edit", kwargs={"account_id": account.pk}), data)
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.name, account.owner, account.version, account.check_in_days) == ("Acme Group", teammate, 2, None)


def test_stale_edit_refused_with_reload_link_and_nothing_changed(owner, account):
    services.account_update(actor=owner, account=account, data={"industry": "Freight"})  # version 2 now
    response = client_for(owner).post(
        reverse("clients:account_edit", kwargs={"account_id": account.pk}),
        account_post(name="Stale name", owner=owner.pk, version="1"),
    )
    assert response.status_code == 409
    body = squash(text(response))
    assert 'data-testid="conflict"' in body
    assert f'<a href="/clients/accounts/{account.pk}/edit/">Reload the latest version</a>' in body
    account.refresh_from_db()
    assert (account.name, account.industry, account.version) == ("Acme Ltd", "Freight", 2)


@pytest.mark.parametrize(("who", "status"), [("executive", 403), ("outsider", 404), ("member", 404)])
def test_edit_denied_changes_nothing(people, account, who, status):
    client = client_for(people[who])
    url = reverse("clients:account_edit", kwargs={"account_id": account.pk})
    assert client.get(url).status_code == status
    before = audit_count()
    assert client.post(url, account_post(name="Hacked", version="1")).status_code == status
    account.refresh_from_db()
    assert (account.name, account.version) == ("Acme Ltd", 1)
    assert audit_count() == before


# --- Lifecycle ------------------------------------------------------------------------------


def test_lifecycle_change_with_date_and_reason(owner):
    account = services.account_create(
        actor=None, data={"name": "Acme Ltd", "owner": owner}, lifecycle="active",
        lifecycle_at=timezone.now() - dt.timedelta(days=30),
    )
    client = client_for(owner)
    url = reverse("clients:account_lifecycle", kwargs={"account_id": account.pk})
    page = client.get(url)
    assert [value for value, _ in page.context["form"].fields["lifecycle"].choices] == ["churned"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(url, {"lifecycle": "churned", "on": yesterday.isoformat(), "reason": "Budget cut", "version": "1"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.lifecycle, account.churned_on) == ("churned", yesterday)
    change = AccountStatusChange.objects.filter(account=account).latest("id")
    assert (change.from_status, change.to_status, change.reason, change.changed_by) == ("active", "churned", "Budget cut", owner)
    assert timezone.localtime(change.changed_at) == timezone.make_aware(dt.datetime.combine(yesterday, dt.time.min))
    body = squash(text(client.get(url)))
    assert body.count('data-testid="lifecycle-change"') == 2
    assert "<td>Active customer</td> <td>Churned</td> <td>Alan Account</td> <td>Budget cut</td>" in body


def test_lifecycle_refuses_date_before_previous_change(owner, account):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client_for(owner).post(
        reverse("clients:account_lifecycle", kwargs={"account_id": account.pk}),
        {"lifecycle": "churned", "on": yesterday.isoformat(), "version": "1"},
    )
    assert response.context["form"].errors["on"] == ["A lifecycle change cannot be dated before the previous one."]
    account.refresh_from_db()
    assert (account.lifecycle, account.version) == ("active", 1)


def test_lifecycle_refuses_future_date_and_stale_version(owner, account):
    client = client_for(owner)
    url = reverse("clients:account_lifecycle", kwargs={"account_id": account.pk})
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(url, {"lifecycle": "churned", "on": tomorrow.isoformat(), "version": "1"})
    assert response.context["form"].errors["on"] == ["A lifecycle change cannot be dated in the future."]
    response = client.post(url, {"lifecycle": "churned", "on": timezone.localdate().isoformat(), "version": "0"})
    assert response.status_code == 409
    account.refresh_from_db()
    assert (account.lifecycle, account.status_changes.count()) == ("active", 1)


def test_lifecycle_history_read_only_for_executive(executive, account):
    client = client_for(executive)
    url = reverse("clients:account_lifecycle", kwargs={"account_id": account.pk})
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert "Change the lifecycle" not in text(page)
    response = client.post(url, {"lifecycle": "churned", "on": timezone.localdate().isoformat(), "version": "1"})
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.lifecycle == "active"


# --- Delete ---------------------------------------------------------------------------------


def test_teammate_deletes_account_after_confirmation(teammate, account):
    client = client_for(teammate)
    url = reverse("clients:account_delete", kwargs={"account_id": account.pk})
    assert "Delete Acme Ltd?" in text(client.get(url))
    response = client.post(url, {"version": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:account_list")
    assert not Account.objects.filter(pk=account.pk).exists()


def test_stale_delete_refused(owner, account):
    services.account_update(actor=owner, account=account, data={"industry": "Freight"})
    response = client_for(owner).post(reverse("clients:account_delete", kwargs={"account_id": account.pk}), {"version": "1"})
    assert response.status_code == 302
    assert Account.objects.filter(pk=account.pk).exists()


@pytest.mark.parametrize(("who", "status"), [("executive", 403), ("outsider", 404), ("project_manager", 404)])
def test_delete_denied_changes_nothing(people, account, who, status):
    url = reverse("clients:account_delete", kwargs={"account_id": account.pk})
    before = audit_count()
    assert client_for(people[who]).post(url, {"version": "1"}).status_code == status
    assert Account.objects.filter(pk=account.pk).exists()
    assert audit_count() == before


# --- Needs, goals and challenges in place ---------------------------------------------------


def test_add_item_in_place_returns_items_section(owner, account):
    client = client_for(owner)
    url = reverse("clients:account_item_create", kwargs={"account_id": account.pk})
    form = client.get(url, {"kind": "challenge"}, **HTMX)
    assert form.status_code == 200 and "<html" not in text(form)
    assert form.context["form"].initial["kind"] == "challenge"
    response = client.post(url, {"kind": "challenge", "title": "Legacy ERP", "status": "open", "priority": "high"}, **HTMX)
    body = text(response)
    assert body.startswith('<section id="account-items"')
    assert "<strong>Legacy ERP</strong>" in body
    item = AccountItem.objects.get(account=account)
    assert (item.kind, item.priority, item.status) == ("challenge", "high", "open")


def test_add_item_errors_stay_in_the_section(owner, account):
    response = client_for(owner).post(
        reverse("clients:account_item_create", kwargs={"account_id": account.pk}),
        {"kind": "goal", "title": "", "status": "open", "priority": "normal"}, **HTMX,
    )
    body = text(response)
    assert body.startswith('<section id="account-items"')
    assert 'id="item_new_goal_title"' in body and "This field is required." in body
    assert not AccountItem.objects.exists()


def test_set_item_status_in_place_and_stale_refused(owner, account):
    item = services.account_item_create(actor=owner, account=account, data={"kind": "need", "title": "Reporting"})
    client = client_for(owner)
    url = reverse("clients:account_item_status", kwargs={"account_item_id": item.pk})
    response = client.post(url, {"status": "met", "version": "1"}, **HTMX)
    body = text(response)
    assert body.startswith(f'<li id="account-item-{item.pk}"')
    assert '<span class="badge text-bg-success" data-testid="item-status">Met</span>' in body
    item.refresh_from_db()
    assert (item.status, item.version) == ("met", 2)
    stale = client.post(url, {"status": "dropped", "version": "1"}, **HTMX)
    assert stale.status_code == 409
    assert "changed by someone else" in text(stale)
    item.refresh_from_db()
    assert (item.status, item.version) == ("met", 2)


def test_edit_item_in_place(owner, account):
    item = services.account_item_create(actor=owner, account=account, data={"kind": "goal", "title": "Grow"})
    client = client_for(owner)
    url = reverse("clients:account_item_edit", kwargs={"account_item_id": item.pk})
    form = client.get(url, **HTMX)
    assert text(form).strip().startswith(f'<li id="account-item-{item.pk}"')
    response = client.post(url, {"kind": "goal", "title": "Grow in France", "status": "in_progress", "priority": "high",
                                 "detail": "", "target_date": "2030-01-31", "version": "1"}, **HTMX)
    assert "<strong>Grow in France</strong>" in text(response)
    item.refresh_from_db()
    assert (item.title, item.target_date, item.version) == ("Grow in France", dt.date(2030, 1, 31), 2)


def test_stale_item_edit_in_place_refused_with_message(owner, account):
    item = services.account_item_create(actor=owner, account=account, data={"kind": "goal", "title": "Grow"})
    services.account_item_update(actor=owner, item=item, data={"title": "Grow in France"})
    before = audit_count()
    url = reverse("clients:account_item_edit", kwargs={"account_item_id": item.pk})
    response = client_for(owner).post(url, {"kind": "goal", "title": "Grow in Spain", "status": "in_progress", "priority": "high",
                                            "detail": "", "target_date": "", "version": "1"}, **HTMX)
    assert response.status_code == 409
    assert response.context["conflict"] is True
    assert response.context["form"].non_field_errors() == [
        "This record was changed by someone else since you opened it. Reload it to see the latest version, then apply your change again."
    ]
    item.refresh_from_db()
    assert (item.title, item.version, audit_count()) == ("Grow in France", 2, before)


def test_delete_item_in_place(owner, account):
    item = services.account_item_create(actor=owner, account=account, data={"kind": "goal", "title": "Grow"})
    client = client_for(owner)
    page = text(client.get(reverse("clients:account_profile", kwargs={"account_id": account.pk})))
    assert ('<input type="hidden" name="version" value="1"><button type="submit" class="btn btn-sm btn-link link-danger px-0">'
            'Delete<span class="visually-hidden"> “Grow”</span>') in page
    response = client.post(reverse("clients:account_item_delete", kwargs={"account_item_id": item.pk}), {"version": "1"}, **HTMX)
    assert response.status_code == 200 and text(response) == ""
    assert not AccountItem.objects.exists()


def test_stale_item_delete_refused_with_message(owner, account):
    item = services.account_item_create(actor=owner, account=account, data={"kind": "goal", "title": "Grow"})
    services.account_item_update(actor=owner, item=item, data={"title": "Grow in France"})
    before = audit_count()
    response = client_for(owner).post(reverse("clients:account_item_delete", kwargs={"account_item_id": item.pk}), {"version": "1"}, **HTMX)
    assert response.status_code == 409
    body = text(response)
    assert body.strip().startswith(f'<li id="account-item-{item.pk}"')
    assert "<strong>Grow in France</strong>" in body
    assert '<div class="alert alert-warning py-1 px-2 small mb-1" role="alert">' in body
    assert (list(AccountItem.objects.values_list("pk", "version")), audit_count()) == ([(item.pk, 2)], before)


@pytest.mark.parametrize(("who", "status"), [("executive", 403), ("outsider", 404), ("member", 404)])
def test_item_writes_denied_change_nothing(people, owner, account, who, status):
    item = services.account_item_create(actor=owner, account=account, data={"kind": "goal", "title": "Grow"})
    client = client_for(people[who])
    before = audit_count()
    assert client.post(reverse("clients:account_item_create", kwargs={"account_id": account.pk}),
                       {"kind": "goal", "title": "X", "status": "open", "priority": "normal"}).status_code == status
    assert client.post(reverse("clients:account_item_status", kwargs={"account_item_id": item.pk}),
                       {"status": "met", "version": "1"}, **HTMX).status_code == status
    assert client.post(reverse("clients:account_item_delete", kwargs={"account_item_id": item.pk}), {"version": "1"}).status_code == status
    item.refresh_from_db()
    assert (item.status, AccountItem.objects.count(), audit_count()) == ("open", 1, before)


def test_denied_htmx_write_answers_an_alert_for_the_alert_region(executive, owner, account):
    item = services.account_item_create(actor=owner, account=account, data={"kind": "goal", "title": "Grow"})
    response = client_for(executive).post(
        reverse("clients:account_item_status", kwargs={"account_item_id": item.pk}), {"status": "met", "version": "1"}, **HTMX
    )
    assert response.status_code == 403
    assert response["HX-Retarget"] == "#htmx-alerts"


# --- Navigation -------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "sees"), [("admin", True), ("executive", True), ("owner", True), ("project_manager", False), ("member", False)])
def test_accounts_in_navigation_by_role(people, who, sees):
    response = client_for(people[who]).get(reverse("home"))
    labels = [item["label"] for item in response.context["nav_items"]]
    assert ("Accounts" in labels) is sees


"""Records on and around the account page: interactions logged, edited and deleted in
place (HTMX partials with the timeline refreshed), follow-ups, contacts, feedback and
inquiries (SLA, respond, assign, resolve, reopen). Each write is tried by every role;
stale versions and denied writes change nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.clients import services
from tandem.clients.models import Contact, Feedback, FollowUp, Inquiry, Interaction
from tandem.core.models import AuditEntry
from tests.clients.factories import make_account, make_contact, make_inquiry, make_interaction
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
UTC = dt.UTC


def text(response) -> str:
    return response.content.decode()


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def audit_count() -> int:
    return AuditEntry.objects.count()


def interaction_post(**overrides):
    data = {
        "kind": "call", "direction": "outbound", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "subject": "Renewal call", "summary": "They want a bigger plan.", "next_steps": "Send the proposal",
        "meeting_link": "", "duration_minutes": "30", "follow_up_due": "",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _fast_hashing(fast_password_hashing):
    pass


@pytest.fixture
def account(acme):
    return acme


def entry_ids(html: str) -> list[str]:
    return re.findall(r'<li id="timeline-entry-([a-z]+-\d+)"', html)


# --- Logging an interaction in place -------------------------------------------------------


def test_log_interaction_form_is_revealed_in_place(owner, account):
    make_contact(account=account, first_name="Dana", last_name="Decider")
    response = client_for(owner).get(reverse("clients:interaction_create", kwargs={"account_id": account.pk}), **HTMX)
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert '<form id="interaction-form"' in body
    assert f'hx-post="/clients/accounts/{account.pk}/interactions/new/" hx-target="this" hx-swap="outerHTML"' in body
    assert 'data-tom-select="multi"' in body
    assert f'<option value="{Contact.objects.get().pk}">Dana Decider</option>' in body
    default = response.context["form"]["occurred_at"].value()
    assert abs(default - timezone.localtime().replace(tzinfo=None)) < dt.timedelta(minutes=1)
    assert (default.second, default.microsecond) == (0, 0)


def test_log_interaction_refreshes_timeline_with_new_entry_on_top(owner, teammate, account):
    dana = make_contact(account=account, first_name="Dana", last_name="Decider")
    make_interaction(account=account, subject="Older call", occurred_at=timezone.now() - dt.timedelta(days=3))
    client = client_for(owner)
    due = timezone.localdate() + dt.timedelta(days=7)
    response = client.post(
        reverse("clients:interaction_create", kwargs={"account_id": account.pk}),
        interaction_post(contacts=[dana.pk], users=[teammate.pk], follow_up_due=due.isoformat()), **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#account-status"
    body = squash(text(response))
    assert body.startswith('<div class="alert alert-success py-2 mb-2">Logged “Renewal call”.</div>')
    interaction = Interaction.objects.get(subject="Renewal call")
    older = Interaction.objects.get(subject="Older call")
    # The timeline comes back out of band, newest first: the new entry at the top.
    assert '<div id="timeline" class="timeline" hx-swap-oob="true">' in body
    lifecycle = account.status_changes.get()
    assert entry_ids(body) == [f"interaction-{interaction.pk}", f"lifecycle-{lifecycle.pk}", f"interaction-{older.pk}"]
    assert '· with <span data-testid="interaction-contacts">Dana Decider</span>' in body
    assert '<div id="account-facts" class="account-facts mb-3" hx-swap-oob="true">' in body
    assert '<dd data-testid="last-contact">Today · check-in every 30 days </dd>' in body
    assert '<section id="follow-ups" aria-labelledby="follow-ups-heading" class="mb-4" hx-swap-oob="true">' in body
    assert '<div id="interaction-form-slot" hx-swap-oob="true"></div>' in body
    assert (interaction.logged_by, interaction.duration_minutes) == (owner, 30)
    assert list(interaction.contacts.all()) == [dana] and list(interaction.users.all()) == [teammate]
    follow_up = FollowUp.objects.get()
    assert (follow_up.description, follow_up.due_date, follow_up.owner, follow_up.interaction) == ("Send the proposal", due, owner, interaction)
    assert "Send the proposal" in body  # in the refreshed follow-ups


def test_log_interaction_keeps_the_timeline_filter(owner, account):
    """The form includes the timeline filter (``show``): the refreshed timeline keeps it,
    and it does not collide with the interaction's own ``kind``."""
    services.feedback_create(actor=owner, account=account, data={"sentiment": "positive", "text": "Nice"})
    url = reverse("clients:interaction_create", kwargs={"account_id": account.pk})
    response = client_for(owner).post(url, {**interaction_post(kind="email"), "show": "feedback"}, **HTMX)
    assert [entry.kind for entry in response.context["timeline"]] == ["feedback"]
    assert Interaction.objects.get().kind == "email"


def test_log_interaction_errors_next_to_fields_without_reload(owner, account):
    response = client_for(owner).post(
        reverse("clients:interaction_create", kwargs={"account_id": account.pk}),
        interaction_post(subject="", meeting_link="https://meet.example/x", kind="call"), **HTMX,
    )
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    body = squash(text(response))
    assert body.strip().startswith('<form id="interaction-form"')
    form = response.context["form"]
    assert form.errors == {
        "subject": ["This field is required."],
        "meeting_link": ["Only meetings, video calls and QBRs have a meeting link."],
    }
    assert re.search(r'<input type="text" name="subject"[^>]*aria-invalid="true"[^>]*id="interaction_subject"', body)
    assert '<ul class="errorlist" id="interaction_subject_error"><li>This field is required.</li></ul>' in body
    assert not Interaction.objects.exists()


def test_service_validation_error_shown_next_to_field(owner, account):
    far = (timezone.localtime() + dt.timedelta(days=400)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(owner).post(
        reverse("clients:interaction_create", kwargs={"account_id": account.pk}), interaction_post(occurred_at=far), **HTMX
    )
    assert response.context["form"].errors["occurred_at"] == ["That is more than a year ahead."]
    assert not Interaction.objects.exists()


def test_participants_from_another_account_refused(owner, account):
    other = make_account(owner=owner, name="Other")
    stranger = make_contact(account=other)
    response = client_for(owner).post(
        reverse("clients:interaction_create", kwargs={"account_id": account.pk}), interaction_post(contacts=[stranger.pk]), **HTMX
    )
    assert "contacts" in response.context["form"].errors
    assert not Interaction.objects.exists()


def test_log_interaction_without_javascript_redirects(owner, account):
    client = client_for(owner)
    page = client.get(reverse("clients:interaction_create", kwargs={"account_id": account.pk}))
    assert "<h1 class=\"h2 mb-3\">Log an interaction</h1>" in text(page)
    response = client.post(reverse("clients:interaction_create", kwargs={"account_id": account.pk}), interaction_post())
    assert response.status_code == 302
    assert response["Location"] == f"/clients/accounts/{account.pk}/"
    assert Interaction.objects.filter(subject="Renewal call").count() == 1


@pytest.mark.parametrize(("who", "status"), [("executive", 403), ("outsider", 404), ("project_manager", 404), ("member", 404)])
def test_log_interaction_denied_changes_nothing(people, account, who, status):
    client = client_for(people[who])
    url = reverse("clients:interaction_create", kwargs={"account_id": account.pk})
    assert client.get(url, **HTMX).status_code == status
    before = audit_count()
    assert client.post(url, interaction_post(), **HTMX).status_code == status
    assert not Interaction.objects.exists()
    assert audit_count() == before


def test_teammate_logs_interaction(teammate, account):
    response = client_for(teammate).post(
        reverse("clients:interaction_create", kwargs={"account_id": account.pk}), interaction_post(), **HTMX
    )
    assert response.status_code == 200
    assert Interaction.objects.get().logged_by == teammate


# --- Edit and delete an interaction ------------------------------------------------------------


def test_edit_interaction_in_place(owner, account):
    interaction = make_interaction(account=account, subject="Call", occurred_at=timezone.now() - dt.timedelta(days=1))
    client = client_for(owner)
    url = reverse("clients:interaction_edit", kwargs={"interaction_id": interaction.pk})
    form = client.get(url, **HTMX)
    body = text(form).strip()
    assert body.startswith(f'<li id="timeline-entry-interaction-{interaction.pk}" class="timeline-entry timeline-editing">')
    assert f'id="interaction_{interaction.pk}_subject"' in body
    assert 'name="version" value="1"' in body
    response = client.post(url, interaction_post(subject="Video call", kind="video", meeting_link="https://meet.example/abc", version="1"), **HTMX)
    assert response["HX-Retarget"] == "#account-status"
    assert "Saved “Video call”." in text(response)
    interaction.refresh_from_db()
    assert (interaction.subject, interaction.meeting_link, interaction.version) == ("Video call", "https://meet.example/abc", 2)
    assert '<a href="https://meet.example/abc" rel="noopener noreferrer">Meeting link</a>' in text(response)


def test_stale_interaction_edit_refused_with_message(owner, account):
    interaction = make_interaction(account=account, subject="Call")
    services.interaction_update(actor=owner, interaction=interaction, data={"summary": "Updated elsewhere"})
    response = client_for(owner).post(
        reverse("clients:interaction_edit", kwargs={"interaction_id": interaction.pk}),
        interaction_post(subject="Mine", version="1"), **HTMX,
    )
    assert response.status_code == 409
    body = squash(text(response))
    assert 'data-testid="conflict"' in body
    assert f'<a href="/clients/accounts/{account.pk}/">Reload the latest version</a>' in body
    interaction.refresh_from_db()
    assert (interaction.subject, interaction.summary, interaction.version) == ("Call", "Updated elsewhere", 2)


def test_delete_interaction_in_place_and_last_contact_recomputed(owner, account):
    old = make_interaction(account=account, subject="Old", occurred_at=timezone.now() - dt.timedelta(days=5))
    new = make_interaction(account=account, subject="New")
    response = client_for(owner).post(
        reverse("clients:interaction_delete", kwargs={"interaction_id": new.pk}), {"version": "1"}, **HTMX
    )
    body = text(response)
    assert response["HX-Retarget"] == "#account-status"
    assert "Deleted “New”." in body
    assert entry_ids(body) == [f"lifecycle-{account.status_changes.get().pk}", f"interaction-{old.pk}"]
    assert '<dd data-testid="last-contact">5 days ago' in body
    assert not Interaction.objects.filter(pk=new.pk).exists()


def test_stale_interaction_delete_refused(owner, account):
    interaction = make_interaction(account=account, subject="Call")
    services.interaction_update(actor=owner, interaction=interaction, data={"summary": "Changed"})
    response = client_for(owner).post(
        reverse("clients:interaction_delete", kwargs={"interaction_id": interaction.pk}), {"version": "1"}, **HTMX
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#htmx-alerts"
    assert Interaction.objects.filter(pk=interaction.pk).exists()


@pytest.mark.parametrize(("who", "status"), [("executive", 403), ("outsider", 404), ("member", 404)])
def test_interaction_edit_and_delete_denied_change_nothing(people, account, who, status):
    interaction = make_interaction(account=account, subject="Call")
    client = client_for(people[who])
    before = audit_count()
    assert client.post(reverse("clients:interaction_edit", kwargs={"interaction_id": interaction.pk}),
                       interaction_post(subject="X", version="1"), **HTMX).status_code == status
    assert client.post(reverse("clients:interaction_delete", kwargs={"interaction_id": interaction.pk}),
                       {"version": "1"}, **HTMX).status_code == status
    interaction.refresh_from_db()
    assert (interaction.subject, interaction.version, audit_count()) == ("Call", 1, before)


# --- Follow-ups ---------------------------------------------------------------------------------


def test_mark_follow_up_done_and_reopen_in_place(owner, account):
    follow_up = services.follow_up_create(actor=owner, account=account, owner=owner, due_date=timezone.localdate(), description="Send deck")
    client = client_for(owner)
    response = client.post(reverse("clients:follow_up_done", kwargs={"follow_up_id": follow_up.pk}), {"version": "1"}, **HTMX)
    body = text(response)
    assert body.strip().startswith(f'<li id="follow-up-{follow_up.pk}"')
    assert '<span class="badge text-bg-success" data-testid="follow-up-done">Done</span>' in body
    assert "Reopen" in body
    assert '<input type="hidden" name="version" value="2">' in body
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None
    client.post(reverse("clients:follow_up_reopen", kwargs={"follow_up_id": follow_up.pk}), {"version": "2"}, **HTMX)
    follow_up.refresh_from_db()
    assert (follow_up.done_at, follow_up.version) == (None, 3)


@pytest.mark.parametrize("action", ["follow_up_done", "follow_up_reopen"])
def test_stale_follow_up_done_or_reopen_refused_with_message(owner, account, action):
    follow_up = services.follow_up_create(actor=owner, account=account, owner=owner, due_date=timezone.localdate(), description="Send deck")
    services.follow_up_complete(actor=owner, follow_up=follow_up)  # version 2: done elsewhere,
    services.follow_up_reopen(actor=owner, follow_up=follow_up)  # 3: and opened again
    if action == "follow_up_reopen":
        services.follow_up_complete(actor=owner, follow_up=follow_up)  # 4: done again
    follow_up.refresh_from_db()
    stored = (follow_up.done_at, follow_up.version)
    before = audit_count()
    response = client_for(owner).post(reverse(f"clients:{action}", kwargs={"follow_up_id": follow_up.pk}), {"version": "1"}, **HTMX)
    assert response.status_code == 409
    body = squash(text(response)).strip()
    assert body.startswith(f'<li id="follow-up-{follow_up.pk}"')
    assert 'role="alert" data-testid="conflict">' in body
    assert f'<input type="hidden" name="version" value="{stored[1]}">' in body
    follow_up.refresh_from_db()
    assert ((follow_up.done_at, follow_up.version), audit_count()) == (stored, before)


def test_follow_up_owner_outside_the_team_may_close_theirs(owner, outsider, account):
    follow_up = services.follow_up_create(actor=owner, account=account, owner=outsider, due_date=timezone.localdate(), description="Call back")
    response = client_for(outsider).post(reverse("clients:follow_up_done", kwargs={"follow_up_id": follow_up.pk}))
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None


@pytest.mark.parametrize(("who", "status"), [("executive", 403), ("outsider", 404), ("member", 404)])
def test_follow_up_done_denied_changes_nothing(people, owner, account, who, status):
    follow_up = services.follow_up_create(actor=owner, account=account, owner=owner, due_date=timezone.localdate(), description="Send deck")
    before = audit_count()
    assert client_for(people[who]).post(reverse("clients:follow_up_done", kwargs={"follow_up_id": follow_up.pk}), **HTMX).status_code == status
    follow_up.refresh_from_db()
    assert (follow_up.done_at, audit_count()) == (None, before)


# --- Contacts -----------------------------------------------------------------------------------


def contact_post(**overrides):
    data = {
        "first_name": "Dana", "last_name": "Decider", "job_title": "CTO", "department": "IT", "role": "Sponsor",
        "email": "Dana@Acme.Example", "phone": "+44 20 1234", "mobile": "", "preferred_channel": "phone",
        "is_primary": "on", "is_decision_maker": "on", "email_opt_out": "on", "is_active": "on",
    }
    data.update(overrides)
    return data


def test_create_contact_and_detail_page(owner, account):
    previous_primary = make_contact(account=account, is_primary=True)
    client = client_for(owner)
    response = client.post(reverse("clients:contact_create", kwargs={"account_id": account.pk}), contact_post())
    contact = Contact.objects.get(last_name="Decider")
    assert response.status_code == 302
    assert response["Location"] == f"/clients/contacts/{contact.pk}/"
    assert (contact.email, contact.is_primary, contact.is_decision_maker, contact.email_opt_out, contact.do_not_call) == (
        "dana@acme.example", True, True, True, False)
    previous_primary.refresh_from_db()
    assert previous_primary.is_primary is False
    make_interaction(account=account, subject="Met Dana").contacts.add(contact)
    make_interaction(account=account, subject="Without Dana")
    page = client.get(reverse("clients:contact_detail", kwargs={"contact_id": contact.pk}))
    body = squash(text(page))
    assert '<h1 class="h2 mb-1">Dana Decider</h1>' in body
    assert '<span class="badge text-bg-brand">Primary contact</span>' in body
    assert '<span class="badge text-bg-warning">Opted out of e-mail</span>' in body
    assert "<dt>E-mail</dt><dd>dana@acme.example</dd>" in body  # no mailto: link when opted out
    assert [i.subject for i in page.context["interactions"]] == ["Met Dana"]
    assert "Alan Account created the contact Dana Decider" in body


def test_contact_detail_by_role(people, account):
    contact = make_contact(account=account)
    url = reverse("clients:contact_detail", kwargs={"contact_id": contact.pk})
    expected = {"admin": 200, "executive": 200, "owner": 200, "teammate": 200, "outsider": 404, "project_manager": 404, "member": 404}
    assert {who: client_for(user).get(url).status_code for who, user in people.items()} == expected
    assert f'href="/clients/contacts/{contact.pk}/edit/"' not in text(client_for(people["executive"]).get(url))


def test_contact_edit_stale_and_fresh(owner, account):
    contact = make_contact(account=account, last_name="Old")
    client = client_for(owner)
    url = reverse("clients:contact_edit", kwargs={"contact_id": contact.pk})
    assert client.get(url).context["form"].initial["version"] == 1
    assert client.post(url, contact_post(last_name="New", version="1")).status_code == 302
    stale = client.post(url, contact_post(last_name="Stale", version="1"))
    assert stale.status_code == 409
    assert f'<a href="/clients/contacts/{contact.pk}/edit/">Reload the latest version</a>' in text(stale)
    contact.refresh_from_db()
    assert (contact.last_name, contact.version) == ("New", 2)


def test_contact_validation_messages(owner, account):
    response = client_for(owner).post(
        reverse("clients:contact_create", kwargs={"account_id": account.pk}), contact_post(last_name="", email="nope")
    )
    assert response.context["form"].errors == {"last_name": ["This field is required."], "email": ["Enter a valid email address."]}
    assert not Contact.objects.exists()


def test_delete_contact(owner, account):
    contact = make_contact(account=account)
    client = client_for(owner)
    url = reverse("clients:contact_delete", kwargs={"contact_id": contact.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": "1"})
    assert response["Location"] == f"/clients/accounts/{account.pk}/profile/#account-contacts"
    assert not Contact.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("executive", 403), ("outsider", 404), ("project_manager", 404)])
def test_contact_writes_denied_change_nothing(people, account, who, status):
    contact = make_contact(account=account, last_name="Kept")
    client = client_for(people[who])
    before = audit_count()
    assert client.post(reverse("clients:contact_create", kwargs={"account_id": account.pk}), contact_post()).status_code == status
    assert client.post(reverse("clients:contact_edit", kwargs={"contact_id": contact.pk}), contact_post(version="1")).status_code == status
    assert client.post(reverse("clients:contact_delete", kwargs={"contact_id": contact.pk}), {"version": "1"}).status_code == status
    contact.refresh_from_db()
    assert (contact.last_name, Contact.objects.count(), audit_count()) == ("Kept", 1, before)


# --- Feedback ----------------------------------------------------------------------------------


def test_record_feedback_in_place(owner, account):
    dana = make_contact(account=account, first_name="Dana", last_name="Decider")
    client = client_for(owner)
    url = reverse("clients:feedback_create", kwargs={"account_id": account.pk})
    form = client.get(url, **HTMX)
    assert '<form id="feedback-form"' in text(form) and "<html" not in text(form)
    response = client.post(url, {"sentiment": "negative", "text": "The report was late.", "channel": "phone",
                                 "contact": dana.pk, "received_at": "2025-03-03T10:30"}, **HTMX)
    assert response["HX-Retarget"] == "#account-feedback"
    body = squash(text(response))
    assert body.startswith('<section id="account-feedback"')
    assert '<p class="mb-2" data-testid="feedback-summary">1 in all: 0 positive, 0 neutral, 1 negative.</p>' in body
    assert 'id="timeline"' not in body  # the section is on the Profile tab, the timeline on the Overview
    feedback = Feedback.objects.get()
    assert (feedback.sentiment, feedback.channel, feedback.contact, feedback.recorded_by) == ("negative", "phone", dana, owner)
    assert feedback.received_at == dt.datetime(2025, 3, 3, 10, 30, tzinfo=UTC)
    overview = text(client_for(owner).get(reverse("clients:account_detail", kwargs={"account_id": account.pk})))
    assert entry_ids(overview) == [f"lifecycle-{account.status_changes.get().pk}", f"feedback-{feedback.pk}"]


def test_feedback_errors_in_place(owner, account):
    response = client_for(owner).post(
        reverse("clients:feedback_create", kwargs={"account_id": account.pk}),
        {"sentiment": "", "text": "", "channel": "email", "received_at": ""}, **HTMX,
    )
    assert "HX-Retarget" not in response
    assert set(response.context["form"].errors) == {"sentiment", "text", "received_at"}
    assert not Feedback.objects.exists()


def test_delete_feedback_in_place(owner, account):
    feedback = services.feedback_create(actor=owner, account=account, data={"sentiment": "neutral", "text": "Fine"})
    client = client_for(owner)
    page = squash(text(client.get(reverse("clients:account_profile", kwargs={"account_id": account.pk}))))
    assert (f'<form method="post" action="/clients/feedback/{feedback.pk}/delete/"' in page
            and '<input type="hidden" name="version" value="1">' in page)
    response = client.post(reverse("clients:feedback_delete", kwargs={"feedback_id": feedback.pk}), {"version": "1"}, **HTMX)
    assert response.status_code == 200
    assert "None recorded yet." in text(response)
    assert not Feedback.objects.exists()


def test_stale_feedback_delete_refused_with_message(owner, account):
    feedback = services.feedback_create(actor=owner, account=account, data={"sentiment": "neutral", "text": "Fine"})
    services.feedback_update(actor=owner, feedback=feedback, data={"text": "Fine, mostly"})
    before = audit_count()
    response = client_for(owner).post(
        reverse("clients:feedback_delete", kwargs={"feedback_id": feedback.pk}), {"version": "1"}, **HTMX
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#account-feedback"
    body = squash(text(response))
    assert '<div class="alert alert-warning py-1 px-2" role="alert" data-testid="conflict"><strong>Not deleted.</strong>' in body
    assert "Fine, mostly" in body
    assert (list(Feedback.objects.values_list("pk", "version")), audit_count()) == ([(feedback.pk, 2)], before)


def test_edit_feedback_in_place(owner, account):
    dana = make_contact(account=account, first_name="Dana", last_name="Decider")
    feedback = services.feedback_create(actor=owner, account=account, data={"sentiment": "neutral", "text": "Fine",
                                                                            "received_at": dt.datetime(2025, 3, 3, 10, 30, tzinfo=UTC)})
    client = client_for(owner)
    url = reverse("clients:feedback_edit", kwargs={"feedback_id": feedback.pk})
    page = text(client.get(reverse("clients:account_profile", kwargs={"account_id": account.pk})))
    assert f'hx-get="{url}" hx-target="closest li" hx-swap="outerHTML">Edit' in page
    form = squash(text(client.get(url, **HTMX))).strip()
    assert form.startswith(f'<li id="feedback-{feedback.pk}"')
    assert f'<form id="feedback-edit-{feedback.pk}"' in form and "<html" not in form
    assert f'<input type="hidden" name="version" value="1" id="feedback_{feedback.pk}_version">' in form
    response = client.post(url, {"sentiment": "negative", "text": "The report was late.", "channel": "phone",
                                 "contact": dana.pk, "received_at": "2025-03-03T10:30", "version": "1"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#account-feedback"
    body = squash(text(response))
    assert "The feedback has been saved." in body
    assert '<p class="mb-2" data-testid="feedback-summary">1 in all: 0 positive, 0 neutral, 1 negative.</p>' in body
    assert 'id="timeline"' not in body  # the section is on the Profile tab, the timeline on the Overview
    feedback.refresh_from_db()
    assert (feedback.sentiment, feedback.text, feedback.channel, feedback.contact, feedback.version) == (
        "negative", "The report was late.", "phone", dana, 2,
    )


def test_edit_feedback_without_javascript(owner, account):
    feedback = services.feedback_create(actor=owner, account=account, data={"sentiment": "neutral", "text": "Fine"})
    client = client_for(owner)
    url = reverse("clients:feedback_edit", kwargs={"feedback_id": feedback.pk})
    page = client.get(url)
    assert page.status_code == 200 and "<h1 class=\"h2 mb-3\">Edit feedback</h1>" in text(page)
    response = client.post(url, {"sentiment": "positive", "text": "Great", "channel": "email",
                                 "contact": "", "received_at": "2025-03-03T10:30", "version": "1"})
    assert response.status_code == 302 and response["Location"] == f"/clients/accounts/{account.pk}/profile/#account-feedback"
    feedback.refresh_from_db()
    assert (feedback.sentiment, feedback.version) == ("positive", 2)


def test_stale_feedback_edit_refused_with_message(owner, account):
    feedback = services.feedback_create(actor=owner, account=account, data={"sentiment": "neutral", "text": "Fine"})
    services.feedback_update(actor=owner, feedback=feedback, data={"text": "Changed elsewhere"})
    before = audit_count()
    response = client_for(owner).post(
        reverse("clients:feedback_edit", kwargs={"feedback_id": feedback.pk}),
        {"sentiment": "positive", "text": "Mine", "channel": "email", "contact": "", "received_at": "2025-03-03T10:30",
         "version": "1"}, **HTMX,
    )
    assert response.status_code == 409
    body = squash(text(response))
    assert 'data-testid="conflict"' in body
    assert f'<a href="/clients/accounts/{account.pk}/profile/">Reload the latest version</a>' in body
    feedback.refresh_from_db()
    assert (feedback.sentiment, feedback.text, feedback.version, audit_count()) == ("neutral", "Changed elsewhere", 2, before)


def test_feedback_contact_of_another_account_refused_next_to_field(owner, account):
    other = make_account(owner=owner, name="Other")
    stranger = make_contact(account=other, last_name="Stranger")
    feedback = services.feedback_create(actor=owner, account=account, data={"sentiment": "neutral", "text": "Fine"})
    response = client_for(owner).post(
        reverse("clients:feedback_edit", kwargs={"feedback_id": feedback.pk}),
        {"sentiment": "neutral", "text": "Fine", "channel": "email", "contact": stranger.pk,
         "received_at": "2025-03-03T10:30", "version": "1"}, **HTMX,
    )
    assert list(response.context["form"].errors) == ["contact"]
    feedback.refresh_from_db()
    assert (feedback.contact, feedback.version) == (None, 1)


@pytest.mark.parametrize(("who", "status"), [("executive", 403), ("outsider", 404), ("member", 404)])
def test_feedback_writes_denied_change_nothing(people, owner, account, who, status):
    feedback = services.feedback_create(actor=owner, account=account, data={"sentiment": "neutral", "text": "Fine"})
    client = client_for(people[who])
    before = audit_count()
    assert client.post(reverse("clients:feedback_create", kwargs={"account_id": account.pk}),
                       {"sentiment": "positive", "text": "x", "channel": "email", "received_at": "2025-01-01T10:00"}, **HTMX).status_code == status
    assert client.get(reverse("clients:feedback_edit", kwargs={"feedback_id": feedback.pk}), **HTMX).status_code == status
    assert client.post(reverse("clients:feedback_edit", kwargs={"feedback_id": feedback.pk}),
                       {"sentiment": "positive", "text": "x", "channel": "email", "received_at": "2025-01-01T10:00",
                        "version": "1"}, **HTMX).status_code == status
    assert client.post(reverse("clients:feedback_delete", kwargs={"feedback_id": feedback.pk}),
                       {"version": "1"}, **HTMX).status_code == status
    assert (list(Feedback.objects.values_list("pk", "version")), audit_count()) == ([(feedback.pk, 1)], before)


# --- Inquiries -----------------------------------------------------------------------------------

MONDAY_10 = dt.datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def inquiry(account):
    # Key tier, normal priority: 16 business hours (9:00-17:00 UTC, Monday to Friday),
    # so due Wednesday 10:00.
    return make_inquiry(account=account, subject="Invoice question", body="Why two invoices?", received_at=MONDAY_10)


def test_record_inquiry_in_place(owner, teammate, account):
    client = client_for(owner)
    url = reverse("clients:inquiry_create", kwargs={"account_id": account.pk})
    assert '<form id="inquiry-form"' in text(client.get(url, **HTMX))
    response = client.post(url, {"subject": "Access to the portal", "body": "Locked out", "channel": "email", "contact": "",
                                 "priority": "urgent", "assignee": teammate.pk,
                                 "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}, **HTMX)
    assert response["HX-Retarget"] == "#account-inquiries"
    inquiry = Inquiry.objects.get()
    body = squash(text(response))
    assert (inquiry.priority, inquiry.assignee, inquiry.sla_hours) == ("urgent", teammate, 4)  # key tier, urgent
    assert f'<a href="/clients/inquiries/{inquiry.pk}/">Access to the portal</a>' in body
    assert f'<dd data-testid="open-inquiry-count"><a href="/clients/accounts/{account.pk}/profile/#account-inquiries">1</a></dd>' in body
    overview = text(client_for(owner).get(reverse("clients:account_detail", kwargs={"account_id": account.pk})))
    assert entry_ids(overview)[0] == f"inquiry-{inquiry.pk}"


def test_inquiry_in_the_future_refused_next_to_field(owner, account):
    later = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(owner).post(
        reverse("clients:inquiry_create", kwargs={"account_id": account.pk}),
        {"subject": "S", "channel": "email", "priority": "normal", "received_at": later}, **HTMX,
    )
    assert response.context["form"].errors["received_at"] == ["An inquiry cannot be received in the future."]
    assert not Inquiry.objects.exists()


def test_inquiry_detail_shows_sla_target_and_due(owner, inquiry):
    response = client_for(owner).get(reverse("clients:inquiry_detail", kwargs={"inquiry_id": inquiry.pk}))
    body = squash(text(response))
    assert '<dd data-testid="sla-target">16 business hours</dd>' in body
    assert '<dd data-testid="sla-due"><time datetime="2025-03-05T10:00:00+00:00">5 Mar 2025, 10:00</time></dd>' in body
    assert '<span class="badge text-bg-danger" data-testid="sla-state">Breached</span>' in body
    assert '<dd data-testid="first-response">Not yet</dd>' in body
    assert (f'<form id="respond-form" class="col-lg-8" method="post" action="/clients/inquiries/{inquiry.pk}/respond/" novalidate '
            f'hx-post="/clients/inquiries/{inquiry.pk}/respond/" hx-target="#inquiry-panel" hx-swap="outerHTML">') in body
    assert 'value="Re: Invoice question"' in body


def test_respond_sets_first_response_with_business_and_calendar_hours(owner, inquiry):
    client = client_for(owner)
    url = reverse("clients:inquiry_respond", kwargs={"inquiry_id": inquiry.pk})
    assert client.get(url).status_code == 405  # the form is on the inquiry page
    response = client.post(url, {"kind": "email", "occurred_at": "2025-03-04T10:00", "subject": "Re: Invoice question",
                                 "summary": "One was a duplicate.", "next_steps": ""})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.first_response_at == dt.datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
    assert (str(inquiry.response_business_hours), str(inquiry.response_calendar_hours), inquiry.status) == ("8.00", "24.00", "responded")
    page = client.get(response["Location"])
    body = squash(text(page))
    assert "Response recorded. First response after 8.00 business hours (24.00 calendar hours)." in body
    assert '<dd data-testid="response-time">8 business hours (24 calendar hours)</dd>' in body
    assert '<span class="badge text-bg-success" data-testid="sla-state">Met</span>' in body
    response_row = Interaction.objects.get()
    assert (response_row.inquiry, response_row.direction, response_row.logged_by) == (inquiry, "outbound", owner)
    assert [r.subject for r in page.context["responses"]] == ["Re: Invoice question"]


def test_respond_before_receipt_refused(owner, inquiry):
    response = client_for(owner).post(
        reverse("clients:inquiry_respond", kwargs={"inquiry_id": inquiry.pk}),
        {"kind": "email", "occurred_at": "2025-03-01T10:00", "subject": "Re", "summary": "", "next_steps": ""},
    )
    assert response.status_code == 200
    assert response.context["respond_form"].errors["occurred_at"] == ["A response cannot come before the inquiry was received."]
    assert "<h1 class=\"h2 mb-1\">Invoice question</h1>" in text(response)  # the inquiry page, shown again
    inquiry.refresh_from_db()
    assert (inquiry.first_response_at, Interaction.objects.count()) == (None, 0)


def test_respond_in_place_swaps_the_status_panel_and_refreshes_the_versions(owner, inquiry):
    client = client_for(owner)
    url = reverse("clients:inquiry_respond", kwargs={"inquiry_id": inquiry.pk})
    response = client.post(url, {"kind": "email", "occurred_at": "2025-03-04T10:00", "subject": "Re: Invoice question",
                                 "summary": "One was a duplicate.", "next_steps": ""}, **HTMX)
    assert response.status_code == 200
    body = squash(text(response)).strip()
    assert "<html" not in body
    assert body.startswith('<div id="inquiry-panel">')
    assert ('<div class="alert alert-success" role="status">Response recorded. First response after 8.00 business hours '
            '(24.00 calendar hours).</div>') in body
    assert '<span class="badge text-bg-dark">Responded</span>' in body
    assert '<dd data-testid="response-time">8 business hours (24 calendar hours)</dd>' in body
    assert body.count('data-testid="response"') == 1
    # Assign and resolve come along out of band, with the version the response moved to.
    assert '<div id="inquiry-actions" hx-swap-oob="true">' in body
    assert body.count('name="version" value="2"') == 2
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.version) == ("responded", 2)


def test_respond_in_place_errors_stay_in_the_panel(owner, inquiry):
    response = client_for(owner).post(
        reverse("clients:inquiry_respond", kwargs={"inquiry_id": inquiry.pk}),
        {"kind": "email", "occurred_at": "2025-03-01T10:00", "subject": "", "summary": "", "next_steps": ""}, **HTMX,
    )
    assert response.status_code == 200
    body = squash(text(response)).strip()
    assert body.startswith('<div id="inquiry-panel">') and "hx-swap-oob" not in body
    assert set(response.context["respond_form"].errors) == {"subject"}
    assert (Interaction.objects.count(), Inquiry.objects.get().version) == (0, 1)


def test_no_respond_form_on_a_resolved_inquiry(owner, inquiry):
    services.inquiry_resolve(actor=owner, inquiry=inquiry, resolution="Sorted by phone")
    body = text(client_for(owner).get(reverse("clients:inquiry_detail", kwargs={"inquiry_id": inquiry.pk})))
    assert 'id="respond-form"' not in body and 'id="respond-heading"' not in body


def test_assign_resolve_reopen(owner, teammate, inquiry):
    client = client_for(owner)
    response = client.post(reverse("clients:inquiry_assign", kwargs={"inquiry_id": inquiry.pk}), {"assignee": teammate.pk, "version": "1"})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert (inquiry.assignee, inquiry.version) == (teammate, 2)
    empty = client.post(reverse("clients:inquiry_resolve", kwargs={"inquiry_id": inquiry.pk}), {"resolution": "", "version": "2"})
    assert empty.context["resolve_form"].errors["resolution"] == ["This field is required."]
    client.post(reverse("clients:inquiry_resolve", kwargs={"inquiry_id": inquiry.pk}), {"resolution": "Credit note sent", "version": "2"})
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.resolution) == ("resolved", "Credit note sent")
    assert "<h2 id=\"resolve-heading\" class=\"h5\">Reopen</h2>" in text(client.get(reverse("clients:inquiry_detail", kwargs={"inquiry_id": inquiry.pk})))
    client.post(reverse("clients:inquiry_reopen", kwargs={"inquiry_id": inquiry.pk}), {"version": "3"})
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.resolved_at, inquiry.version) == ("open", None, 4)


def test_stale_reopen_refused_with_message(owner, inquiry):
    services.inquiry_resolve(actor=owner, inquiry=inquiry, resolution="Credit note sent")
    services.inquiry_update(actor=owner, inquiry=inquiry, data={"body": "Changed"})  # version 3
    before = audit_count()
    response = client_for(owner).post(reverse("clients:inquiry_reopen", kwargs={"inquiry_id": inquiry.pk}), {"version": "2"})
    assert response.status_code == 409
    body = squash(text(response))
    assert 'data-testid="conflict"' in body
    assert '<span class="badge text-bg-dark">Resolved</span>' in body
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.version, audit_count()) == ("resolved", 3, before)


def test_stale_resolve_refused_and_the_page_shows_the_inquiry_as_stored(owner, inquiry):
    services.inquiry_update(actor=owner, inquiry=inquiry, data={"body": "Changed"})
    response = client_for(owner).post(reverse("clients:inquiry_resolve", kwargs={"inquiry_id": inquiry.pk}),
                                      {"resolution": "Credit note sent", "version": "1"})
    assert response.status_code == 409
    assert 'data-testid="conflict"' in text(response)
    assert response.context["resolve_form"].non_field_errors() == [
        "This record was changed by someone else since you opened it. Reload it to see the latest version, then apply your change again."
    ]
    # The refused write left "resolved" on its instance; the page shows the stored row.
    assert (response.context["inquiry"].status, response.context["inquiry"].version) == ("open", 2)
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.resolution, inquiry.version) == ("open", "", 2)


def test_stale_assign_refused(owner, teammate, inquiry):
    services.inquiry_update(actor=owner, inquiry=inquiry, data={"body": "Changed"})
    response = client_for(owner).post(reverse("clients:inquiry_assign", kwargs={"inquiry_id": inquiry.pk}), {"assignee": teammate.pk, "version": "1"})
    assert response.status_code == 409
    assert 'data-testid="conflict"' in text(response)
    inquiry.refresh_from_db()
    assert (inquiry.assignee, inquiry.version) == (owner, 2)


def test_assignee_from_another_team_sees_and_answers_their_inquiry(owner, outsider, inquiry, account):
    services.inquiry_assign(actor=owner, inquiry=inquiry, assignee=outsider)
    client = client_for(outsider)
    page = client.get(reverse("clients:inquiry_detail", kwargs={"inquiry_id": inquiry.pk}))
    assert page.status_code == 200
    assert page.context["can_open_account"] is False
    assert f'href="/clients/accounts/{account.pk}/"' not in text(page)
    assert client.get(reverse("clients:account_detail", kwargs={"account_id": account.pk})).status_code == 404
    response = client.post(reverse("clients:inquiry_respond", kwargs={"inquiry_id": inquiry.pk}),
                           {"kind": "call", "occurred_at": "2025-03-03T15:00", "subject": "Called back", "summary": "", "next_steps": ""})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert str(inquiry.response_business_hours) == "5.00"


@pytest.mark.parametrize(("who", "status"), [("executive", 403), ("outsider", 404), ("project_manager", 404), ("member", 404)])
def test_inquiry_writes_denied_change_nothing(people, owner, inquiry, account, who, status):
    client = client_for(people[who])
    before = audit_count()
    assert client.post(reverse("clients:inquiry_create", kwargs={"account_id": account.pk}),
                       {"subject": "S", "channel": "email", "priority": "normal", "received_at": "2025-01-01T10:00"}).status_code == status
    assert client.post(reverse("clients:inquiry_respond", kwargs={"inquiry_id": inquiry.pk}),
                       {"kind": "email", "occurred_at": "2025-03-04T10:00", "subject": "Re", "summary": "", "next_steps": ""}).status_code == status
    assert client.post(reverse("clients:inquiry_assign", kwargs={"inquiry_id": inquiry.pk}), {"assignee": owner.pk, "version": "1"}).status_code == status
    assert client.post(reverse("clients:inquiry_resolve", kwargs={"inquiry_id": inquiry.pk}), {"resolution": "x", "version": "1"}).status_code == status
    assert client.post(reverse("clients:inquiry_reopen", kwargs={"inquiry_id": inquiry.pk}), {"version": "1"}).status_code == status
    inquiry.refresh_from_db()
    assert (Inquiry.objects.count(), inquiry.version, inquiry.first_response_at, Interaction.objects.count(), audit_count()) == (1, 1, None, 0, before)
    if who == "executive":
        page = client.get(reverse("clients:inquiry_detail", kwargs={"inquiry_id": inquiry.pk}))
        assert page.status_code == 200 and "assign_form" not in page.context

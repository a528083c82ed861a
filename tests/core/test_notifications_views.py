"""Notification pages: the list (own only), mark one / all read (someone else's: 404,
nothing changes), the top bar's unread badge (capped "99+", one query), and links that
never leave the site."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tandem.core.models import Notification
from tandem.core.notifications import notification_send
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def send(user, key, title="Acme is overdue", url="/clients/accounts/1/"):
    return notification_send(recipient=user, kind="attention", key=key, title=title, body="Line one\nLine two", url=url)


def badge(html: str) -> str:
    match = re.search(r'<a id="notification-badge".*?</a>', html, re.S)
    assert match, "no badge"
    return re.sub(r"\s+", " ", match.group(0))


def test_list_shows_own_notifications_newest_first(account_manager, member):
    first = send(account_manager, "a", title="First")
    second = send(account_manager, "b", title="Second")
    send(member, "c", title="Not yours")
    response = client_for(account_manager).get(reverse("core:notifications"))
    assert [item.pk for item, _ in response.context["rows"]] == [second.pk, first.pk]
    body = response.content.decode()
    assert "Not yours" not in body
    assert '<a href="/clients/accounts/1/">Second</a>' in body
    assert "Line one<br>Line two" in body


def test_unread_filter_and_empty_states(account_manager):
    client = client_for(account_manager)
    assert "No notifications yet." in client.get(reverse("core:notifications")).content.decode()
    item = send(account_manager, "a")
    Notification.objects.filter(pk=item.pk).update(read_at="2025-01-01T00:00:00Z")
    response = client.get(reverse("core:notifications"), {"unread": "1"})
    assert response.context["rows"] == []
    assert "Nothing unread." in response.content.decode()


def test_mark_one_read_in_place_and_without_javascript(account_manager):
    one = send(account_manager, "a")
    two = send(account_manager, "b")
    client = client_for(account_manager)
    response = client.post(reverse("core:notification_read", kwargs={"notification_id": one.pk}), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith(f'<li class="list-group-item d-flex flex-wrap justify-content-between align-items-start gap-2" id="notification-{one.pk}"')
    assert "Mark read" not in body.split("</li>")[0]
    assert 'hx-swap-oob="true"' in badge(body) and 'aria-label="Notifications, 1 unread"' in badge(body)
    assert Notification.objects.get(pk=one.pk).read_at is not None
    response = client.post(reverse("core:notification_read", kwargs={"notification_id": two.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("core:notifications")
    assert Notification.objects.filter(recipient=account_manager, read_at__isnull=True).count() == 0


def test_someone_elses_notification_is_not_found_and_unchanged(account_manager, member):
    theirs = send(member, "x")
    response = client_for(account_manager).post(reverse("core:notification_read", kwargs={"notification_id": theirs.pk}))
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read(account_manager, member):
    for number in range(3):
        send(account_manager, f"k{number}")
    send(member, "m")
    client = client_for(account_manager)
    assert client.get(reverse("core:notification_read_all")).status_code == 405
    response = client.post(reverse("core:notification_read_all"), follow=True)
    assert "All notifications are marked read." in response.content.decode()
    assert Notification.objects.filter(recipient=account_manager, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 1


def test_badge_counts_unread_and_caps(account_manager):
    client = client_for(account_manager)
    html = badge(client.get(reverse("home")).content.decode())
    assert 'aria-label="Notifications, none unread"' in html and "text-bg-danger" not in html
    send(account_manager, "one")
    html = badge(client.get(reverse("home")).content.decode())
    assert 'aria-label="Notifications, 1 unread"' in html
    assert '<span class="badge text-bg-danger" aria-hidden="true">1</span>' in html
    Notification.objects.bulk_create(
        [Notification(recipient=account_manager, kind="x", key=f"bulk{number}", title="t") for number in range(120)]
    )
    html = badge(client.get(reverse("home")).content.decode())
    assert '<span class="badge text-bg-danger" aria-hidden="true">99+</span>' in html
    assert 'aria-label="Notifications, 99+ unread"' in html


def test_badge_costs_one_query_per_page(account_manager, django_assert_num_queries):
    client = client_for(account_manager)
    client.get(reverse("home"))
    # session, user, roles, the badge, the notifications card's count and the client cards'
    # numbers (one query; nothing to show, so no rows: tests/clients/test_home_cards.py), the
    # pipeline card's count (tandem.commercial.home), the renewals card's count and the
    # "My tasks" card's count (tandem.delivery.home).
    with django_assert_num_queries(9):
        client.get(reverse("home"))
    for number in range(30):
        send(account_manager, f"n{number}")
    with django_assert_num_queries(9):
        client.get(reverse("home"))


def test_links_never_leave_the_site(account_manager):
    for key, url in [("js", "javascript:alert(1)"), ("ext", "https://evil.example/"), ("proto", "//evil.example/x")]:
        send(account_manager, key, title=f"T-{key}", url=url)
    body = client_for(account_manager).get(reverse("core:notifications")).content.decode()
    assert "javascript:" not in body and "evil.example" not in body
    assert "T-js" in body and "T-ext" in body and "T-proto" in body


def test_logged_out_users_go_to_login():
    from django.test import Client

    response = Client().get(reverse("core:notifications"))
    assert response.status_code == 302 and "/login/" in response["Location"]

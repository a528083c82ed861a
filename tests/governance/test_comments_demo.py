"""The demo's comment threads: on projects and accounts, with mentions of the demo
member and project manager (so their "Mentions" card shows), written quietly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.core import demo
from tandem.core.models import Notification
from tandem.governance.models import Comment
from tandem.governance.selectors.comments import recent_mentions
from tandem.people.models import User
from tests.commercial.test_demo import restore_seeded_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        demo.run_demo(scale=demo.SCALES["small"], seed=1, reset=True)
        yield
        demo.wipe_business_tables()
        restore_seeded_rows()


def test_threads_with_mentions_on_projects_and_accounts(demo_db) -> None:  # type: ignore[no-untyped-def]
    assert Comment.objects.filter(project__isnull=False).count() >= 24
    assert Comment.objects.filter(account__isnull=False).count() >= 6
    assert Comment.objects.filter(mentions__isnull=False).distinct().count() >= 12
    assert not Notification.objects.filter(kind__in=("mention", "comment")).exists()
    oldest = Comment.objects.order_by("created_at").first()
    assert oldest is not None and oldest.created_at < timezone.now() - dt.timedelta(days=7)


def test_demo_logins_have_recent_mentions(demo_db) -> None:  # type: ignore[no-untyped-def]
    for email in ("member@example.com", "pm@example.com"):
        user = User.objects.get(email=email)
        assert recent_mentions(user).count() >= 1, email


def test_every_mention_sees_its_record(demo_db) -> None:  # type: ignore[no-untyped-def]
    from tandem.governance.services.comments import comment_target, may_see

    for comment in Comment.objects.prefetch_related("mentions")[:200]:
        target = comment_target(comment)
        assert all(may_see(user, target) for user in comment.mentions.all())

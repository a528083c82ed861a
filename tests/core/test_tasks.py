import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from tandem.core.tasks import enqueue_on_commit
from tandem.people.models import LoginAttempt
from tandem.people.tasks import prune_login_attempts

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=IMMEDIATE)
def test_prune_login_attempts_runs_after_commit_and_deletes_only_old_rows():
    old = LoginAttempt.objects.create(email="a@example.test", at=timezone.now() - dt.timedelta(days=2))
    recent = LoginAttempt.objects.create(email="b@example.test")
    with transaction.atomic():
        enqueue_on_commit(prune_login_attempts)
        assert LoginAttempt.objects.count() == 2  # nothing ran inside the transaction
    assert list(LoginAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not LoginAttempt.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=IMMEDIATE)
def test_task_is_not_enqueued_when_the_transaction_rolls_back():
    LoginAttempt.objects.create(email="a@example.test", at=timezone.now() - dt.timedelta(days=2))
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(prune_login_attempts)
        raise RuntimeError("roll back")
    assert LoginAttempt.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_database_backend_stores_the_task_for_the_worker():
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        enqueue_on_commit(prune_login_attempts)
    assert DBTaskResult.objects.count() == 1
    row = DBTaskResult.objects.get()
    assert row.task_path == "tandem.people.tasks.prune_login_attempts"

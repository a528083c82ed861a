"""R4: concurrent writers on the active database (SQLite or PostgreSQL).

Each worker is a thread with its own database connection, so the writes really race:
the ``version`` check must turn every lost race into a :class:`ConflictError` (never a
silent overwrite), unique e-mails must hold under parallel creators, and SQLite must
queue writers (IMMEDIATE transactions + busy timeout) instead of failing with
"database is locked".
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tandem.core.errors import ConflictError
from tandem.core.models import AuditEntry
from tandem.core.services import model_update
from tandem.people import services
from tandem.people.models import Team, User
from tests.factories import make_team, make_user

WORKERS = 8
ROUNDS = 50  # the benchmark (`tandem bench`) runs 8 x 1,000


def run_in_threads(work: Callable[[int], Any], workers: int = WORKERS) -> list[Any]:
    """Run ``work(index)`` in ``workers`` threads started together; return each result
    or the exception it raised. Each thread closes its own connections at the end."""
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return results


@pytest.mark.django_db(transaction=True)
def test_read_modify_write_loses_no_update() -> None:
    """8 workers x ROUNDS read-modify-writes on one team through ``model_update`` with the
    version each read. Every success appends its token to ``description``; a lost update
    would drop a token. (``tandem bench`` runs the same at 8 x 1,000.)"""
    team = make_team(name="Contended")
    actor = make_user(role="admin", email="writer@example.test")

    def work(index: int) -> Counter[str]:
        outcome: Counter[str] = Counter()
        for round_number in range(ROUNDS):
            current = Team.objects.get(pk=team.pk)
            token = f"{index}.{round_number};"
            try:
                model_update(
                    actor=actor,
                    instance=current,
                    data={"description": current.description + token},
                    expected_version=current.version,
                )
                outcome["success"] += 1
                outcome[token] += 1
            except ConflictError:
                outcome["conflict"] += 1
        return outcome

    results = run_in_threads(work)
    errors = [result for result in results if isinstance(result, BaseException)]
    assert errors == []
    total: Counter[str] = sum(results, Counter())
    successes, conflicts = total.pop("success", 0), total.pop("conflict", 0)
    assert successes + conflicts == WORKERS * ROUNDS
    assert successes >= ROUNDS  # some progress is always made

    final = Team.objects.get(pk=team.pk)
    assert final.version == 1 + successes
    written = [token + ";" for token in final.description.split(";") if token]
    assert len(written) == successes  # no success was overwritten by another
    assert Counter(written) == total  # exactly the tokens whose write succeeded
    assert AuditEntry.objects.filter(action="update", object_id=str(team.pk)).count() == successes


@pytest.mark.django_db(transaction=True)
def test_parallel_creators_of_one_email_create_exactly_one_user() -> None:
    def work(index: int) -> User:
        return services.user_create(
            actor=None,
            email="Same@Example.test" if index % 2 else "same@example.test",
            full_name=f"Racer {index}",
            password="a-long-unusual-secret-4",
        )

    results = run_in_threads(work)
    created = [result for result in results if isinstance(result, User)]
    refused = [result for result in results if isinstance(result, ValidationError)]
    others = [result for result in results if not isinstance(result, User | ValidationError)]
    assert others == []  # no IntegrityError or "database is locked" leaks out
    assert len(created) == 1
    assert len(refused) == WORKERS - 1
    # The loser of the race is refused by the service's check or by the model's unique
    # validation, whichever it reaches first: either way a field error on "email".
    assert [list(error.message_dict) for error in refused] == [["email"]] * (WORKERS - 1)
    assert all("already exists" in error.message_dict["email"][0] for error in refused)
    assert User.objects.filter(email="same@example.test").count() == 1
    assert list(User.objects.values_list("full_name", flat=True)) == [created[0].full_name]
    assert (
        AuditEntry.objects.filter(
            action="create", content_type__model="user", object_id=str(created[0].pk)
        ).count()
        == 1
    )
    assert AuditEntry.objects.filter(action="create", content_type__model="user").count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_creators_of_distinct_users_all_succeed() -> None:
    results = run_in_threads(
        lambda index: services.user_create(
            actor=None, email=f"worker{index}@example.test", full_name=f"Worker {index}"
        )
    )
    assert [type(result) for result in results] == [User] * WORKERS
    assert User.objects.count() == WORKERS


def test_sqlite_takes_the_write_lock_up_front_and_waits_for_it() -> None:
    """The settings that keep SQLite writers queueing instead of failing."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite settings only")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] >= 5
    assert "PRAGMA busy_timeout=" in database["OPTIONS"]["init_command"]
    assert "PRAGMA journal_mode=WAL" in database["OPTIONS"]["init_command"]


@pytest.mark.django_db
def test_sqlite_connection_runs_with_busy_timeout() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (busy_timeout,) = cursor.fetchone()
        cursor.execute("PRAGMA foreign_keys")
        (foreign_keys,) = cursor.fetchone()
    assert busy_timeout == 30000
    assert foreign_keys == 1

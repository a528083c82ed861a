"""Running measures: the database to measure, the environment, the printed lines."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.conf import settings
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client
from django.test.utils import override_settings

from tandem.bench import measures as measures_package
from tandem.bench.registry import BenchError, Measure, Result, registered
from tandem.core.demo import DEMO_LOGINS, run_demo
from tandem.core.progress import Progress
from tandem.core.roles import Role

BENCH_URLCONF = "tandem.bench.urls"


def discover() -> dict[str, Measure]:
    """Every measure, after importing each module of :mod:`tandem.bench.measures`."""
    for module in pkgutil.iter_modules(measures_package.__path__):
        importlib.import_module(f"{measures_package.__name__}.{module.name}")
    return registered()


def select_measures(only: Sequence[str] | None = None) -> list[Measure]:
    """The measures named in ``only`` (all when ``None``), in name order.

    ``LookupError`` names any unknown measure and lists the known ones.
    """
    known = discover()
    if only is None:
        return [known[name] for name in sorted(known, key=_measure_order)]
    unknown = [name for name in only if name not in known]
    if unknown:
        raise LookupError(
            f"unknown measure(s) {', '.join(unknown)}; known: {', '.join(sorted(known, key=_measure_order))}"
        )
    return [known[name] for name in dict.fromkeys(only)]


def _measure_order(name: str) -> tuple[str, int, str]:
    prefix = name.rstrip("0123456789")
    number = name[len(prefix) :]
    return (prefix, int(number) if number else 0, name)


def prepare_database(*, scale: float, seed: int, progress: Progress | None = None) -> None:
    """Migrate the (empty, temporary) database and fill it with the demo data."""
    call_command("migrate", verbosity=0, interactive=False)
    run_demo(scale=scale, seed=seed, reset=True, progress=progress)


@dataclass
class BenchContext:
    """What a measure gets: repetitions, progress bars and logged-in test clients."""

    repeat: int | None = None
    progress: Progress = field(default_factory=Progress.quiet)

    def repetitions(self, default: int) -> int:
        return self.repeat if self.repeat is not None else default

    def user(self, role: str = Role.ADMIN) -> Any:
        """The demo login of ``role``, else the first active user holding it."""
        from tandem.people.models import User

        login = next(item.email for item in DEMO_LOGINS if item.role == role)
        user = User.objects.filter(email=login, is_active=True).first()
        if user is None:
            user = (
                User.objects.filter(is_active=True, role_assignments__role=role)
                .order_by("pk")
                .first()
            )
        if user is None:
            raise BenchError(f"no active user with the role {role}: load data first (tandem demo)")
        return user

    def client(self, user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    @staticmethod
    def get(client: Client, path: str) -> HttpResponse:
        """GET ``path``; :class:`BenchError` unless it answers 200."""
        response = client.get(path)
        if response.status_code != 200:
            raise BenchError(f"GET {path} answered {response.status_code}")
        return response  # type: ignore[return-value]


@contextmanager
def bench_environment() -> Iterator[None]:
    """The bench URLconf (application routes plus the baselines), the test client's host
    allowed, and the API throttle lifted out of the way (still evaluated per request)."""
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(
        ROOT_URLCONF=BENCH_URLCONF, ALLOWED_HOSTS=hosts, TANDEM_API_THROTTLE_RATE="1000000/s"
    ):
        yield


def run(
    measures: Sequence[Measure],
    *,
    repeat: int | None = None,
    progress: Progress | None = None,
    out: TextIO | None = None,
) -> int:
    """Run ``measures`` in order, printing each line as soon as it is known; the
    number of measures that missed their target or failed."""
    out = out if out is not None else sys.stdout
    context = BenchContext(repeat=repeat, progress=progress or Progress.quiet())
    failures = 0
    with bench_environment():
        for item in measures:
            try:
                result = item.run(context)
            except BenchError as exc:
                result = Result(item.name, float("nan"), item.target, error=str(exc))
            print(result.line(), file=out, flush=True)
            failures += not result.passed
    return failures

"""The demo data framework behind ``tandem demo``: a registry of generator steps.

Each app adds one step in its own ``tandem/<app>/demo.py``::

    from tandem.core import demo

    @demo.step("clients", order=20, foreign_rows=_accounts_not_from_demo)
    def generate_clients(ctx: demo.DemoContext) -> None:
        accounts = ctx.bulk_create(Account, [...])
        ctx.shared["clients.accounts"] = accounts

:func:`discover` imports every installed app's ``demo`` module, and :func:`run_demo`
runs the steps in ``order`` inside one transaction. Steps earlier in the app layering
run first and leave what later steps need in ``ctx.shared`` (``"people.users"``, …).

Contracts every step keeps:

* **Deterministic.** All randomness comes from ``ctx.rng(name)``, a generator seeded
  from ``--seed`` and the step's name, so adding a step never changes the rows of
  another. Dates are laid relative to ``ctx.year`` (the current calendar year), so the
  same seed gives the same rows all year long.
* **Scaled.** Row counts come from ``ctx.scaled(count_at_large)``; scale 1.0 is the
  "large" data set of QUALITY.md (for benchmarks), ``small`` is 0.004 (a few hundred
  client accounts in a firm of 30 people: enough to try Tandem, loaded in seconds), any
  other factor is linear.
* **Fast.** Rows go in through ``ctx.bulk_create`` (batched ``bulk_create``), never one
  service call per row; the demo password is hashed once (``ctx.password_hash``).
* **Audited.** ``ctx.bulk_create`` writes the "create" audit entries in bulk too
  (actor: none, like other command-line writes), so demo records show their history
  like any other. A step may pass ``audit=False`` only for rows that are not business
  records (join tables, counters) or are too numerous to be worth a history entry; it
  says why in a comment.
* **Identifiable.** ``foreign_rows`` counts rows the demo did not make, so
  ``tandem demo`` refuses to mix demo data into a real database unless ``--reset``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from tandem.core import bulk
from tandem.core.audit import record_created_many
from tandem.core.progress import Progress
from tandem.core.roles import Role

M = TypeVar("M", bound=models.Model)

DEMO_PASSWORD = "tandem-demo-2026"
DEMO_EMAIL_DOMAIN = "example.com"
SCALES: dict[str, float] = {"small": 0.004, "large": 1.0}
MAX_SCALE = 100.0
BATCH_SIZE = 2000
DEFAULT_SEED = 1


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin@example.com", Role.ADMIN),
    DemoLogin("exec@example.com", Role.EXECUTIVE),
    DemoLogin("am@example.com", Role.ACCOUNT_MANAGER),
    DemoLogin("pm@example.com", Role.PROJECT_MANAGER),
    DemoLogin("member@example.com", Role.MEMBER),
)


class DemoRefusedError(Exception):
    """The database holds data the demo did not make, and ``--reset`` was not given."""


def parse_scale(value: str | float) -> float:
    """``small``, ``large`` or a positive factor (``0.5``, ``3``); ``ValueError`` otherwise.

    The message names the bad value, for the command line to show as is.
    """
    if isinstance(value, str) and value.strip().lower() in SCALES:
        return SCALES[value.strip().lower()]
    try:
        factor = float(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"invalid scale {value!r}: use small, large or a positive number such as 0.5"
        ) from None
    if not 0 < factor <= MAX_SCALE:
        raise ValueError(
            f"invalid scale {value!r}: the factor must be above 0 and at most {MAX_SCALE:g}"
        )
    return factor


@dataclass
class DemoContext:
    """What a step gets: the scale, seeded randomness, shared results and bulk writes."""

    scale: float
    seed: int
    progress: Progress = field(default_factory=Progress.quiet)
    year: int = field(default_factory=lambda: timezone.localdate().year)
    shared: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    bar: Any = None

    def rng(self, name: str) -> random.Random:
        """A generator seeded by ``--seed`` and ``name`` (use the step's name)."""
        return random.Random(f"{self.seed}:{name}")

    def scaled(self, count_at_large: float, *, minimum: int = 1) -> int:
        """``count_at_large`` rows at scale 1.0, linear in the scale, at least ``minimum``."""
        return max(minimum, round(count_at_large * self.scale))

    @cached_property
    def password_hash(self) -> str:
        """The demo password hashed once (Argon2) and reused for every demo user."""
        return make_password(DEMO_PASSWORD)

    def bulk_create(
        self,
        model: type[M],
        objects: Sequence[M],
        *,
        audit: bool = True,
        batch_size: int = BATCH_SIZE,
    ) -> list[M]:
        """Insert ``objects`` in batches (primary keys are set on return), write their
        "create" audit entries in bulk unless ``audit=False``, count them and advance
        the progress bar."""
        created: list[M] = []
        for start in range(0, len(objects), batch_size):
            batch = list(objects[start : start + batch_size])
            created.extend(model._default_manager.bulk_create(batch))
            if audit:
                record_created_many(actor=None, instances=batch)
            if self.bar is not None:
                self.bar.update(len(batch))
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(created)
        return created


    def insert_objects(self, model: type[M], objects: Sequence[M], *, batch_size: int = BATCH_SIZE) -> None:
        """Insert fully built ``objects`` through :func:`tandem.core.bulk.insert_objects`
        (primary keys set, no audit, no signals, ``auto_now`` fields written as set):
        only for high-volume rows that are not worth a history entry (say why at the
        call). Counts them and advances the progress bar."""
        for start in range(0, len(objects), batch_size):
            batch = objects[start : start + batch_size]
            bulk.insert_objects(model, batch)
            if self.bar is not None:
                self.bar.update(len(batch))
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(objects)


StepFunction = Callable[[DemoContext], None]


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int
    run: StepFunction
    foreign_rows: Callable[[], int] | None = None
    estimate: Callable[[DemoContext], int] | None = None


_STEPS: dict[str, DemoStep] = {}


def step(
    name: str,
    *,
    order: int,
    foreign_rows: Callable[[], int] | None = None,
    estimate: Callable[[DemoContext], int] | None = None,
) -> Callable[[StepFunction], StepFunction]:
    """Register a generator step. ``order`` follows the app layering (people 10,
    clients 20, commercial 30, delivery 40, …); ``foreign_rows`` counts rows of the
    step's models that the demo did not make; ``estimate`` gives the number of rows the
    step will write, for the progress bar."""

    def decorator(function: StepFunction) -> StepFunction:
        _STEPS[name] = DemoStep(name, order, function, foreign_rows, estimate)
        return function

    return decorator


def discover() -> list[DemoStep]:
    """Every registered step, after importing each installed app's ``demo`` module."""
    autodiscover_modules("demo")
    return sorted(_STEPS.values(), key=lambda item: (item.order, item.name))


def demo_data_present() -> bool:
    return get_user_model()._default_manager.filter(email__iexact=DEMO_LOGINS[0].email).exists()


def business_tables() -> list[str]:
    """Tables of Tandem's own apps, plus the sessions and admin log that point at users."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_config is not None and model._meta.app_config.name.startswith("tandem.")
    }
    for label in ("sessions.Session", "admin.LogEntry"):
        try:
            tables.add(apps.get_model(label)._meta.db_table)
        except LookupError:
            continue
    existing = set(connection.introspection.table_names())
    return sorted(tables & existing)


def wipe_business_tables() -> None:
    """Delete every row of :func:`business_tables` (``TRUNCATE … CASCADE`` on
    PostgreSQL), resetting their id sequences. Content types, migrations and the task
    queue's schema are kept."""
    sql = connection.ops.sql_flush(
        no_style(), business_tables(), reset_sequences=True, allow_cascade=True
    )
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # Rows written earlier in the same transaction leave deferred foreign-key checks
        # pending, and PostgreSQL refuses to TRUNCATE a table with pending checks: run
        # them now, then defer again as Django's constraints expect.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(sql)
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@dataclass(frozen=True)
class DemoResult:
    created: bool
    scale: float
    seed: int
    counts: dict[str, int]
    seconds: float


def run_demo(
    *,
    scale: float,
    seed: int = DEFAULT_SEED,
    reset: bool = False,
    progress: Progress | None = None,
    steps: Iterable[str] | None = None,
) -> DemoResult:
    """Fill the database with the demo organisation.

    Without ``reset``: refuses (:class:`DemoRefusedError`) if any step reports rows the
    demo did not make, and does nothing (``created=False``) if the demo data is already
    there. With ``reset``: wipes the business tables first. All steps run in one
    transaction, so a failed run leaves nothing behind. ``steps`` names the steps to run
    (all by default): tests of one app's step run just that one.
    """
    wanted = set(steps) if steps is not None else None
    all_steps = discover()
    if wanted is not None and wanted - {item.name for item in all_steps}:
        raise ValueError(f"unknown demo step(s): {', '.join(sorted(wanted - {i.name for i in all_steps}))}")
    selected = [item for item in all_steps if wanted is None or item.name in wanted]
    started = time.perf_counter()
    if not reset:
        foreign = {
            item.name: item.foreign_rows() for item in all_steps if item.foreign_rows is not None
        }
        found = {name: count for name, count in foreign.items() if count}
        if found:
            detail = ", ".join(f"{name}: {count} row(s)" for name, count in sorted(found.items()))
            raise DemoRefusedError(
                f"the database already holds data the demo did not make ({detail}). "
                "Run `tandem demo --reset` to wipe Tandem's business tables first, "
                "or point DATABASE_URL at an empty database."
            )
        if demo_data_present():
            return DemoResult(False, scale, seed, {}, time.perf_counter() - started)
    ctx = DemoContext(scale=scale, seed=seed, progress=progress or Progress.quiet())
    with transaction.atomic():
        if reset:
            wipe_business_tables()
        for item in selected:
            total = item.estimate(ctx) if item.estimate is not None else None
            with ctx.progress.bar(f"demo: {item.name}", total=total) as bar:
                ctx.bar = bar
                item.run(ctx)
                ctx.bar = None
    return DemoResult(True, scale, seed, dict(ctx.counts), time.perf_counter() - started)


def format_logins() -> str:
    """The demo logins as a small table, for the end of ``tandem demo``."""
    rows = [("E-mail", "Role", "Password")] + [
        (login.email, Role(login.role).label, DEMO_PASSWORD) for login in DEMO_LOGINS
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = [
        "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


@step("search index", order=1000)
def _index_for_search(ctx: DemoContext) -> None:
    """Last step: demo rows go in through ``bulk_create``, which bypasses the write
    helpers that keep the global search index; index every searchable type once."""
    from tandem.core import search

    for kind in search.registered_types():
        ctx.counts["search entries"] = ctx.counts.get("search entries", 0) + search.reindex(kind.model)

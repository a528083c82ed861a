"""Gap-free-enough numbering for records people quote by number (quotes, contracts).

:func:`next_value` must run inside the transaction that writes the numbered record:
the counter's row stays locked until it commits, and a rollback gives the number back.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from tandem.core.models import Sequence


def next_value(name: str) -> int:
    """The next value of the counter ``name`` (1 for a new counter)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value() must run inside the transaction that uses the number.")
    for _attempt in range(2):
        if Sequence.objects.filter(name=name).update(value=F("value") + 1):
            return int(Sequence.objects.values_list("value", flat=True).get(name=name))
        try:
            with transaction.atomic():
                Sequence.objects.create(name=name, value=1)
            return 1
        except IntegrityError:
            continue  # another transaction created it first: increment theirs
    raise RuntimeError(f"Could not draw a number from the sequence {name!r}.")


def formatted(name: str, *, prefix: str, year: int, width: int = 4) -> str:
    """``Q-2026-0042``: the next number of ``<name>-<year>`` with its prefix."""
    return f"{prefix}-{year}-{next_value(f'{name}-{year}'):0{width}d}"

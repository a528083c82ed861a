"""Header mapping: alias lists per target field, and recognising which object a file
holds. Real exports vary (API names, labels, other languages), so matching is on a
normalised form: lower case with everything but letters and digits removed, which makes
``BillingCity``, ``Billing City`` and ``billing_city`` one key."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


def normalise_header(header: str) -> str:
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass(frozen=True)
class TargetField:
    name: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False
    distinctive: bool = False  # its presence suggests this object when detecting


def auto_mapping(headers: Iterable[str], fields: Iterable[TargetField]) -> dict[str, str]:
    """Map each target field to the first header that matches one of its aliases.

    Returns ``{field name: header}``; a header is used for at most one field, and
    aliases earlier in a field's list win.
    """
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(normalise_header(header), header)
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for field in fields:
        for alias in (field.name, *field.aliases):
            found = by_key.get(normalise_header(alias))
            if found is not None and found not in used:
                mapping[field.name] = found
                used.add(found)
                break
    return mapping


def validate_mapping(mapping: Mapping[str, str], headers: Iterable[str], fields: Iterable[TargetField]) -> dict[str, str]:
    """Check a (possibly user-adjusted) mapping; returns ``{field: message}`` problems."""
    header_set = set(headers)
    field_list = list(fields)
    known = {field.name for field in field_list}
    problems: dict[str, str] = {}
    for name, header in mapping.items():
        if name not in known:
            problems[name] = "is not a field of this import"
        elif header and header not in header_set:
            problems[name] = f"column {header!r} is not in the file"
    for field in field_list:
        if field.required and not mapping.get(field.name):
            aliases = ", ".join(field.aliases[:4])
            problems.setdefault(field.name, f"required column missing (looked for: {aliases})")
    return problems


def detection_score(headers: Iterable[str], fields: Iterable[TargetField]) -> int:
    keys = {normalise_header(header) for header in headers}
    score = 0
    for field in fields:
        if any(normalise_header(alias) in keys for alias in (field.name, *field.aliases)):
            score += 3 if field.distinctive else 1
    return score

"""Parsing cell text into typed values, with messages that say what was expected.

Each parser takes the cell text and returns the value or raises :class:`CellError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator


class CellError(ValueError):
    """A cell's text is not a valid value for its column."""


def parse_text(value: str, *, max_length: int = 255) -> str:
    text = value.strip()
    if len(text) > max_length:
        raise CellError(f"is {len(text)} characters long; at most {max_length} fit")
    return text


class TextCell:
    """:func:`parse_text` with a length limit, as a parser that says what it does: a row
    parser may run it inline (``_Importer.parse_cells``: the stripped text, or this
    parser's refusal when it is too long)."""

    __slots__ = ("max_length",)

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def __call__(self, value: str) -> str:
        return parse_text(value, max_length=self.max_length)


class Refusal(str):
    """A remembered :class:`CellError` message (in a :class:`Memoised` cache)."""


class Memoised:
    """``parser`` run once per distinct cell text, its refusal included (raised again
    as a new :class:`CellError` with the same message): a column of numbers, dates or
    codes repeats few texts. Only for parsers whose answer depends on the text alone
    and whose values are immutable. ``cache`` maps each text seen to its value or its
    :class:`Refusal`, so a row parser may look a text up without a call."""

    __slots__ = ("cache", "limit", "parser")

    def __init__(self, parser: Callable[[str], Any], limit: int = 10_000) -> None:
        self.parser = parser
        self.limit = limit
        self.cache: dict[str, Any] = {}

    def __call__(self, value: str) -> Any:
        cache = self.cache
        found = cache.get(value, cache)
        if found is cache:
            try:
                found = self.parser(value)
            except CellError as exc:
                found = Refusal(str(exc))
            if len(cache) < self.limit:
                cache[value] = found
        if found.__class__ is Refusal:
            raise CellError(str(found))
        return found


def memoised(parser: Callable[[str], Any], limit: int = 10_000) -> Memoised:
    """``parser`` run once per distinct cell text (see :class:`Memoised`)."""
    return Memoised(parser, limit)


_NUMBER_NOISE = re.compile(r"[\s$€£¥%]|[A-Z]{3}\s?")


def parse_decimal(value: str, *, max_digits: int = 16, places: int = 2) -> Decimal | None:
    text = value.strip()
    if not text:
        return None
    cleaned = _NUMBER_NOISE.sub("", text)
    if cleaned.count(",") and cleaned.count("."):
        # 1,234.56 or 1.234,56: the last separator is the decimal point.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif cleaned.count(",") == 1 and len(cleaned.split(",")[1]) != 3:
        cleaned = cleaned.replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation as exc:
        raise CellError(f"{text!r} is not a number") from exc
    if not number.is_finite():
        raise CellError(f"{text!r} is not a number")
    number = number.quantize(Decimal(1).scaleb(-places))
    if len(number.as_tuple().digits) > max_digits:
        raise CellError(f"{text!r} is too large")
    return number


def parse_int(value: str, *, minimum: int = 0, maximum: int = 2_000_000_000) -> int | None:
    number = parse_decimal(value, places=0, max_digits=12)
    if number is None:
        return None
    result = int(number)
    if not minimum <= result <= maximum:
        raise CellError(f"{value.strip()!r} is out of range ({minimum}–{maximum})")
    return result


_TRUE = {"true", "yes", "y", "1", "x", "checked", "wahr", "ja", "oui", "vrai"}
_FALSE = {"false", "no", "n", "0", "", "unchecked", "falsch", "nein", "non", "faux"}


def parse_bool(value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"{value.strip()!r} is not yes/no (true/false)")


_email = EmailValidator()


def parse_email(value: str) -> str:
    text = value.strip().lower()
    if not text:
        return ""
    try:
        _email(text)
    except ValidationError as exc:
        raise CellError(f"{value.strip()!r} is not an e-mail address") from exc
    return text


def parse_url(value: str) -> str:
    """A web address as exports write it, with ``https://`` added when it has no scheme
    (``www.acme.example``); whether it is valid is the account rules' decision."""
    text = value.strip()
    if text and "://" not in text:
        text = "https://" + text
    return text

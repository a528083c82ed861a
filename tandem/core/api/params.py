"""Helpers of request schemas (bounded text, e-mail addresses, time zones, integers as
JSON Schema means them, PATCH fields) and ``limit`` / ``offset`` pagination."""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Annotated, Any

from django.conf import settings
from django.db.models import Model, QuerySet
from pydantic import BaseModel, ConfigDict, Field

from tandem.core.api.errors import MAX_ID
from tandem.core.pagination import COUNT_CAP

# --- Parameters and pagination -----------------------------------------------------------

# A text field of a body or query string: no NUL characters (PostgreSQL refuses them).
NO_NUL_PATTERN = r"^[^\x00]*$"


def text(*, min_length: int | None = None, max_length: int | None = None, **extra: Any) -> Any:
    """``Field(...)`` for text input: bounded, without NUL characters."""
    return Field(pattern=NO_NUL_PATTERN, min_length=min_length, max_length=max_length, **extra)


def _integer_fields(model: type[BaseModel]) -> frozenset[str]:
    names = set()
    for name, info in model.model_fields.items():
        options = typing.get_args(info.annotation) or (info.annotation,)
        if int in options:
            names.add(name)
    return frozenset(names)


def integral_floats(model: type[BaseModel], data: Any) -> Any:
    """A ``model_validator(mode="before")`` for strict request bodies: a JSON number
    with no fractional part (``1.0``) is an integer to JSON Schema, so an integer field
    takes it as ``1``; ``1.5``, ``true`` and ``"1"`` stay refused."""
    if not isinstance(data, dict):
        return data
    names = _integer_fields(model)
    return {
        key: int(value) if key in names and isinstance(value, float) and value.is_integer() and abs(value) < 2**63
        else value
        for key, value in data.items()
    }


# E-mail addresses as the schema declares them (the models' EmailField checks them).
EMAIL_SCHEMA: dict[str, Any] = {"type": "string", "format": "email", "maxLength": 254}


def email_text(*, blank: bool = False, **extra: Any) -> Any:
    """``Field(...)`` for an e-mail address, declared ``format: email`` (``blank``: or
    the empty string, which clears it)."""
    schema: dict[str, Any] = (
        {"anyOf": [EMAIL_SCHEMA, {"type": "string", "maxLength": 0}]} if blank else dict(EMAIL_SCHEMA)
    )
    return Field(pattern=NO_NUL_PATTERN, max_length=254, json_schema_extra=_replace_schema(schema), **extra)


def _replace_schema(schema: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def apply(current: dict[str, Any]) -> None:
        default = current.get("default")
        description = current.get("description")
        current.clear()
        current.update(schema)
        if default is not None:
            current["default"] = default
        if description:
            current["description"] = description

    return apply


def time_zone_names() -> list[str]:
    from zoneinfo import available_timezones

    return sorted(available_timezones())


def time_zone_text(**extra: Any) -> Any:
    """``Field(...)`` for an IANA time-zone name, declared as the enum the server
    accepts (``User.clean`` refuses any other name)."""
    return Field(
        pattern=NO_NUL_PATTERN, max_length=64,
        json_schema_extra=_replace_schema({"type": "string", "enum": time_zone_names()}), **extra,
    )


# Dates and times lie between the years 1900 and 2999: declared as a pattern on the text.
YEAR_RANGE_PATTERN = r"^(19\d\d|2\d\d\d)-"


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def optional(**constraints: Any) -> Any:
    """A PATCH field that may be left out but, when sent, must be valid (``null`` only
    where the type allows it). Read the sent fields with ``model_dump(exclude_unset=True)``."""
    return Field(default=None, json_schema_extra=_drop_default, **constraints)


Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class PageParams(BaseModel):
    """``limit`` / ``offset`` pagination."""

    model_config = ConfigDict(extra="ignore")

    limit: int = Field(
        default=int(settings.TANDEM_PAGE_SIZE),
        ge=1,
        le=int(settings.TANDEM_MAX_PAGE_SIZE),
        description=f"Rows per page, at most {settings.TANDEM_MAX_PAGE_SIZE}.",
    )
    offset: int = Field(default=0, ge=0, le=1_000_000_000, description="Rows to skip.")


class PageMeta(BaseModel):
    count: int = Field(
        description=f"Matching rows, counted up to {COUNT_CAP:,}; see count_is_capped."
    )
    count_is_capped: bool = Field(
        description=f"True when more than {COUNT_CAP:,} rows match (count is then {COUNT_CAP:,})."
    )
    limit: int
    offset: int


def paginate[M: Model](queryset: QuerySet[M], params: PageParams) -> tuple[list[M], dict[str, Any]]:
    """One page of an ordered ``queryset`` and its ``PageMeta`` fields.

    Always exactly two queries (the capped count, then the rows) plus the queryset's
    ``prefetch_related`` lookups, whatever the data size and page size (QUALITY P3).
    """
    counted = queryset.order_by()[: COUNT_CAP + 1].count()
    capped = counted > COUNT_CAP
    items = list(queryset[params.offset : params.offset + params.limit])
    meta = {
        "count": min(counted, COUNT_CAP),
        "count_is_capped": capped,
        "limit": params.limit,
        "offset": params.offset,
    }
    return items, meta

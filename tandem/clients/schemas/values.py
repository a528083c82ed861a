"""Value types of the clients API: the literals of the model choices, times, dates,
money, ids and text fields, each with its validation and JSON schema."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    Strict,
    WithJsonSchema,
)

from tandem.clients.models import (
    Channel,
    CompanySize,
    Direction,
    InquiryStatus,
    InteractionKind,
    ItemKind,
    ItemStatus,
    Lifecycle,
    Priority,
    Sentiment,
    Source,
    Tier,
)
from tandem.clients.selectors import ACCOUNT_SORTS, CONTACT_SORTS
from tandem.core.api import MAX_ID, YEAR_RANGE_PATTERN, optional, text

# --- Value types -----------------------------------------------------------------------

TierName = Literal["strategic", "key", "standard", "long_tail"]
SizeName = Literal["", "micro", "small", "medium", "large", "enterprise"]
LifecycleName = Literal["prospect", "active", "churned"]
ChannelName = Literal["email", "phone", "video", "in_person", "chat", "portal"]
ChannelOrBlank = Literal["", "email", "phone", "video", "in_person", "chat", "portal"]
SourceName = Literal["manual", "salesforce", "hubspot", "demo"]
ItemKindName = Literal["need", "goal", "challenge"]
ItemStatusName = Literal["open", "in_progress", "met", "dropped"]
PriorityName = Literal["low", "normal", "high", "urgent"]
InteractionKindName = Literal["call", "email", "meeting", "video", "note", "qbr"]
DirectionName = Literal["inbound", "outbound", "internal"]
SentimentName = Literal["positive", "neutral", "negative"]
InquiryStatusName = Literal["open", "responded", "resolved"]
AccountSort = Literal[
    "name", "-name", "tier", "-tier", "last_contact", "-last_contact",
    "check_in_due", "-check_in_due", "created", "-created",
]
ContactSort = Literal["name", "-name", "email", "-email", "account", "-account"]

# The literals above are the API's copy of the model choices: keep them in step.
for _literal, _choices in (
    (TierName, Tier.values), (LifecycleName, Lifecycle.values), (ChannelName, Channel.values),
    (SourceName, Source.values), (ItemKindName, ItemKind.values), (ItemStatusName, ItemStatus.values),
    (PriorityName, Priority.values), (InteractionKindName, InteractionKind.values),
    (DirectionName, Direction.values), (SentimentName, Sentiment.values),
    (InquiryStatusName, InquiryStatus.values), (AccountSort, ACCOUNT_SORTS), (ContactSort, CONTACT_SORTS),
):
    assert set(_literal.__args__) == set(_choices), _literal  # type: ignore[attr-defined]
assert set(SizeName.__args__) == {"", *CompanySize.values}  # type: ignore[attr-defined]

EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2999, 12, 31, tzinfo=dt.UTC)


ISO_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONEY_TEXT = re.compile(r"^\d{1,14}(\.\d{1,2})?$")


def _date_time_text(value: Any) -> Any:
    """Times are ISO 8601 text: pydantic would also read numbers (and numeric text) as
    Unix timestamps, which the schema does not promise."""
    if not isinstance(value, str) or not ISO_DATE_TIME.match(value):
        raise ValueError("Use an ISO 8601 date and time with its offset, e.g. 2026-03-01T09:30:00+01:00.")
    return value


def _date_text(value: Any) -> Any:
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError("Use an ISO 8601 date, e.g. 2026-03-01.")
    return value


def _money_value(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError("Use a number or a decimal string such as \"125000.50\".")
    if isinstance(value, str) and not MONEY_TEXT.match(value):
        raise ValueError("Use digits with at most two decimal places, such as \"125000.50\".")
    return value


def _in_range(value: dt.datetime) -> dt.datetime:
    if not EARLIEST <= value <= LATEST:
        raise ValueError("Must lie between the years 1900 and 2999.")
    return value.astimezone(dt.UTC)


def _date_in_range(value: dt.date) -> dt.date:
    if not EARLIEST.date() <= value <= LATEST.date():
        raise ValueError("Must lie between the years 1900 and 2999.")
    return value


Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_date_time_text),
    AfterValidator(_in_range),
    Strict(False),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": YEAR_RANGE_PATTERN,
                    "description": "A date and time with its offset (e.g. 2026-03-01T09:30:00+01:00), years 1900 to 2999."}),
]
Day = Annotated[dt.date, BeforeValidator(_date_text), AfterValidator(_date_in_range), Strict(False),
               WithJsonSchema({"type": "string", "format": "date", "pattern": YEAR_RANGE_PATTERN, "description": "A date, years 1900 to 2999."})]
ReferenceId = Annotated[int, Field(ge=1, le=MAX_ID)]
TimelineKind = Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")]
# PositiveIntegerField: 0 … 2,147,483,647 on every database.
Count32 = Annotated[int, Field(ge=0, le=2_147_483_647)]
Money = Annotated[
    Decimal,
    BeforeValidator(_money_value),
    Strict(False),
    Field(ge=0, max_digits=16, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 99999999999999.99},
                {"type": "string", "pattern": r"^\d{1,14}(\.\d{1,2})?$"},
            ],
            "description": "An amount: a JSON number or a string such as \"125000.50\" (two decimal places at most).",
        }
    ),
]
DecimalString = Annotated[str, Field(pattern=r"^-?\d+\.\d+$", description="A decimal number as a string, e.g. \"8.00\".")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR.")]


def body_text(max_length: int, *, required: bool = False, **extra: Any) -> Any:
    if required:
        return text(min_length=1, max_length=max_length, **extra)
    return text(default="", max_length=max_length, **extra)


def patch_text(max_length: int, *, required: bool = False, **extra: Any) -> Any:
    return optional(pattern=r"^[^\x00]*$", min_length=1 if required else None, max_length=max_length, **extra)

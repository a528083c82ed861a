"""History people can read: audit entries (``tandem.core.audit``) as a page shows them.

Each entry becomes one block (who, when, what). A change names the field by its verbose
name and shows each value as people write it:

* a foreign key by the related record's name, read in bulk (one query per related model
  for the whole page, never one per entry); a record deleted since as "a deleted
  account" (the related model's verbose name);
* a choice by its label, a boolean as Yes / No;
* a date or date-time in the viewer's time zone, relative when near ("yesterday 14:05",
  "in 3 days"), absolute beyond a week ("12 Mar 2026, 14:05");
* money with its currency, lists and JSON as readable text.

Core knows no app's fields, so a model declares what a field means:

* ``audit_money_fields = {"annual_revenue": "currency"}``: money fields, each with the
  name of the field holding its currency (read from the entry when it changed there,
  else from the record itself);
* ``audit_formatters = {"working_days": callable}``: a callable turning a stored value
  into text, for values only the model understands (bit masks, lists of codes);
* ``audit_labels = {"roles": "Roles"}``: labels of keys that are no model field;
* ``audit_select_related = ("user",)``: relations its ``__str__`` reads, so naming
  many of them stays one query;
* ``audit_subject = "{name}'s working profile"``: how a sentence names one of its
  records (default: "the team Platform", from the verbose name and ``__str__``).

A change whose old and new values read the same (a masked secret) says only that the
field changed. Entries without a user were written by Tandem itself (the command line,
the demo) or by an import, and say so. No id appears anywhere in the text.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import floatformat
from django.utils import dateformat, timezone

from tandem.core.models import AuditAction, AuditEntry

#: The actions of a record's own history (log-ins have their own page).
RECORD_ACTIONS = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE)
#: Sign-in events, listed on the administrators' "Sign-in activity" page.
SIGN_IN_ACTIONS = (AuditAction.LOGIN, AuditAction.LOGOUT, AuditAction.LOGIN_FAILED)

SYSTEM_ACTOR = "Tandem"
IMPORT_ACTOR = "Import"
LOCAL_SOURCES = ("manual", "demo")
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}
NEAR_DAYS = 6  # relative within a week, absolute beyond


@dataclass(frozen=True)
class HistoryChange:
    """One field of one entry: ``old`` and ``new`` as text ("" when empty) and the
    phrase saying what happened ("changed Owner from Omar Patel to Lena Ito")."""

    field: str
    label: str
    old: str
    new: str
    text: str


@dataclass(frozen=True)
class HistoryRow:
    """One audit entry as a block: ``summary`` is the sentence ("Amelia Shaw changed
    Owner from Omar Patel to Lena Ito"); ``changes`` lists the fields when there are
    several (for a created record: the values it was created with)."""

    at: dt.datetime
    when: str
    when_full: str
    actor: str
    action: str
    summary: str
    changes: list[HistoryChange]


# --- Dates ---------------------------------------------------------------------------


def viewer_time_zone(viewer: Any) -> dt.tzinfo:
    """The viewer's own time zone (``time_zone`` on the user), else the active one."""
    name = getattr(viewer, "time_zone", None)
    if name:
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError):
            pass
    return timezone.get_current_timezone()


def _relative_day(day: dt.date, today: dt.date) -> str | None:
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == -1:
        return "yesterday"
    if delta == 1:
        return "tomorrow"
    if 0 < delta <= NEAR_DAYS:
        return f"in {delta} days"
    if 0 < -delta <= NEAR_DAYS:
        return f"{-delta} days ago"
    return None


def format_date(value: dt.date, *, tz: dt.tzinfo, now: dt.datetime | None = None) -> str:
    """"today", "in 3 days", "2 days ago" within a week, else "12 Mar 2026"."""
    today = (now or timezone.now()).astimezone(tz).date()
    return _relative_day(value, today) or dateformat.format(value, "j M Y")


def format_datetime(value: dt.datetime, *, tz: dt.tzinfo, now: dt.datetime | None = None) -> str:
    """"yesterday 14:05", "in 3 days, 09:00" within a week, else "12 Mar 2026, 14:05",
    in ``tz``."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    local = value.astimezone(tz)
    today = (now or timezone.now()).astimezone(tz).date()
    day = _relative_day(local.date(), today)
    clock = dateformat.format(local, "H:i")
    if day is None:
        return f"{dateformat.format(local, 'j M Y')}, {clock}"
    return f"{day} {clock}" if day in ("today", "yesterday", "tomorrow") else f"{day}, {clock}"


def absolute_datetime(value: dt.datetime, *, tz: dt.tzinfo) -> str:
    return dateformat.format(value.astimezone(tz), "j M Y, H:i")


# --- Values --------------------------------------------------------------------------


def format_money(value: Any, currency: str) -> str:
    """"€1,250.00", "1,250.00 CHF"; without a currency the number alone."""
    amount = decimal.Decimal(str(value))
    number = f"{amount:,.2f}"
    if amount < 0:
        number = number[1:]
    sign = "-" if amount < 0 else ""
    symbol = CURRENCY_SYMBOLS.get(currency.upper()) if currency else None
    if symbol:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number} {currency.upper()}".rstrip()


def _readable(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(text for text in (_readable(item) for item in value) if text)
    if isinstance(value, dict):
        return "; ".join(f"{key.replace('_', ' ').capitalize()}: {_readable(item)}" for key, item in value.items())
    return str(value)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


@dataclass
class _Context:
    tz: dt.tzinfo
    now: dt.datetime
    names: dict[type[models.Model], dict[str, str]]
    records: dict[tuple[int, str], models.Model]


def _format_value(
    model: type[models.Model] | None, name: str, value: Any, *, context: _Context, currency: str
) -> str:
    if _is_empty(value):
        return ""
    formatters: Mapping[str, Callable[[Any], str]] = getattr(model, "audit_formatters", {}) if model else {}
    if name in formatters:
        return formatters[name](value)
    field = _field(model, name)
    if field is None:
        return _readable(value)
    if field.many_to_one or field.one_to_one:
        related: type[models.Model] = field.related_model
        known = context.names.get(related, {})
        return known.get(str(value), f"a deleted {related._meta.verbose_name}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if name in getattr(model, "audit_money_fields", {}):
        return format_money(value, currency)
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    try:
        if isinstance(field, models.DateTimeField):
            return format_datetime(dt.datetime.fromisoformat(value), tz=context.tz, now=context.now)
        if isinstance(field, models.DateField):
            return format_date(dt.date.fromisoformat(value), tz=context.tz, now=context.now)
        if isinstance(field, models.TimeField):
            return dt.time.fromisoformat(value).strftime("%H:%M")
    except (TypeError, ValueError):
        return _readable(value)
    if isinstance(field, models.DecimalField):
        return str(floatformat(value, "-2"))
    if isinstance(field, models.JSONField):
        return _readable(value) if isinstance(value, list | dict) else json.dumps(value)
    return _readable(value)


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a key that is no field (e.g. "roles")
        return None


def _label(model: type[models.Model] | None, name: str) -> str:
    labels: Mapping[str, str] = getattr(model, "audit_labels", {}) if model else {}
    if name in labels:
        return labels[name]
    field = _field(model, name)
    text = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name.replace("_", " ")
    return text[:1].upper() + text[1:]


def _phrase(label: str, old: str, new: str) -> str:
    if old == new:
        return f"changed {label}"
    if not old:
        return f"set {label} to {new}"
    if not new:
        return f"cleared {label} (was {old})"
    return f"changed {label} from {old} to {new}"


# --- Related names, in bulk -------------------------------------------------------------


def _model_of(entry: AuditEntry) -> type[models.Model] | None:
    if entry.content_type_id is None:
        return None
    return ContentType.objects.get_for_id(entry.content_type_id).model_class()


def _related_names(entries: Iterable[tuple[type[models.Model] | None, AuditEntry]]) -> dict[type[models.Model], dict[str, str]]:
    """``{related model: {id as text: name}}`` for every foreign key value in
    ``entries``: one query per related model."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for model, entry in entries:
        formatters = getattr(model, "audit_formatters", {}) if model else {}
        for name, pair in entry.changes.items():
            field = _field(model, name)
            if name in formatters or field is None or not (field.many_to_one or field.one_to_one):
                continue
            for value in pair:
                if not _is_empty(value):
                    wanted[field.related_model].add(str(value))
    names: dict[type[models.Model], dict[str, str]] = {}
    for related, ids in wanted.items():
        queryset = related._base_manager.filter(pk__in=sorted(ids))
        select = getattr(related, "audit_select_related", ())
        if select:
            queryset = queryset.select_related(*select)
        names[related] = {str(row.pk): str(row) for row in queryset}
    return names


# --- Rows -------------------------------------------------------------------------------


def _actor(entry: AuditEntry) -> str:
    if entry.actor is not None:
        return str(entry.actor)
    # A record that came from another system (its ``source``: "salesforce", "import"…)
    # was written by an import; "manual" and "demo" ones by Tandem itself.
    source = entry.changes.get("source")
    if isinstance(source, list) and len(source) == 2 and source[1] not in (None, "", *LOCAL_SOURCES):
        return IMPORT_ACTOR
    return SYSTEM_ACTOR


def _currency(model: type[models.Model] | None, entry: AuditEntry, name: str, side: int, context: _Context) -> str:
    money = getattr(model, "audit_money_fields", {}) if model else {}
    currency_field = money.get(name)
    if not currency_field:
        return ""
    pair = entry.changes.get(currency_field)
    if isinstance(pair, list) and len(pair) == 2 and pair[side]:
        return str(pair[side])
    record = context.records.get((entry.content_type_id or 0, entry.object_id))
    return str(getattr(record, currency_field, "") or "") if record is not None else ""


def _subject(model: type[models.Model] | None, entry: AuditEntry) -> str:
    """"the team Platform", or the model's own ``audit_subject`` pattern
    ("{name}'s working profile")."""
    pattern = getattr(model, "audit_subject", "") if model is not None else ""
    if pattern:
        return str(pattern).format(name=entry.object_repr)
    kind = str(model._meta.verbose_name) if model is not None else "record"
    return f"the {kind} {entry.object_repr}".rstrip()


def entry_row(
    entry: AuditEntry,
    *,
    model: type[models.Model] | None,
    context: _Context,
    hidden_fields: frozenset[str] = frozenset(),
    name_subject: bool = False,
) -> HistoryRow:
    actor = _actor(entry)
    changes = []
    for name, pair in sorted(entry.changes.items(), key=lambda item: _label(model, item[0])):
        if name in hidden_fields or not isinstance(pair, list) or len(pair) != 2:
            continue
        if entry.action == AuditAction.CREATE and pair[1] is False:
            continue  # a created record lists what was set; "Is staff: No" is noise
        label = _label(model, name)
        old = _format_value(model, name, pair[0], context=context, currency=_currency(model, entry, name, 0, context))
        new = _format_value(model, name, pair[1], context=context, currency=_currency(model, entry, name, 1, context))
        changes.append(HistoryChange(field=name, label=label, old=old, new=new, text=_phrase(label, old, new)))
    subject = _subject(model, entry)
    if entry.action == AuditAction.CREATE:
        summary = f"{actor} created {subject}"
    elif entry.action == AuditAction.DELETE:
        summary = f"{actor} deleted {subject}"
    elif entry.action in SIGN_IN_ACTIONS:
        summary = f"{actor} {entry.get_action_display()}"
    elif len(changes) == 1:
        summary = f"{actor} {changes[0].text}"
        changes = []
    else:
        summary = f"{actor} updated {subject}" if name_subject or not changes else f"{actor} made {len(changes)} changes"
    return HistoryRow(
        at=entry.at,
        when=format_datetime(entry.at, tz=context.tz, now=context.now),
        when_full=absolute_datetime(entry.at, tz=context.tz),
        actor=actor,
        action=entry.action,
        summary=summary,
        changes=changes,
    )


def rows_from_entries(
    entries: Iterable[AuditEntry],
    *,
    viewer: Any,
    records: Iterable[models.Model] = (),
    hidden_fields: frozenset[str] = frozenset(),
    name_subject: bool = False,
    now: dt.datetime | None = None,
) -> list[HistoryRow]:
    """Rows for already-read ``entries`` (with their actors): one query per model
    named by their foreign keys. ``records`` are the records the entries are about,
    for values read from the record itself (a money field's currency)."""
    typed = [(_model_of(entry), entry) for entry in entries]
    context = _Context(
        tz=viewer_time_zone(viewer),
        now=now or timezone.now(),
        names=_related_names(typed),
        records={(ContentType.objects.get_for_model(record).pk, str(record.pk)): record for record in records},
    )
    return [
        entry_row(entry, model=model, context=context, hidden_fields=hidden_fields, name_subject=name_subject)
        for model, entry in typed
    ]


class History(list[HistoryRow]):
    """The rows of a record's history; ``has_more`` when older entries were left out."""

    def __init__(self, rows: Iterable[HistoryRow] = (), *, has_more: bool = False) -> None:
        super().__init__(rows)
        self.has_more = has_more

    @property
    def count_display(self) -> str:
        return f"{len(self)}+" if self.has_more else str(len(self))


def history_rows(
    *records: models.Model,
    viewer: Any,
    hidden_fields: frozenset[str] = frozenset(),
    limit: int = 50,
    now: dt.datetime | None = None,
) -> History:
    """The history of ``records`` (e.g. a user and their profile), newest first, at
    most ``limit`` entries, as readable rows: one query for the entries and their
    actors, one per related model named in them. Log-ins and log-outs are not part
    of a record's history (see the "Sign-in activity" page)."""
    if not records:
        return History()
    condition = Q()
    for record in records:
        condition |= Q(content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk))
    entries = list(
        AuditEntry.objects.filter(condition, action__in=RECORD_ACTIONS)
        .select_related("actor")
        .order_by("-at", "-id")[: limit + 1]
    )
    rows = rows_from_entries(
        entries[:limit], viewer=viewer, records=records, hidden_fields=hidden_fields,
        name_subject=len(records) > 1, now=now,
    )
    return History(rows, has_more=len(entries) > limit)

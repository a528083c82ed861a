"""Web-page side of the error contract (STYLE rule 7): domain errors become pages, and
service ``ValidationError``s become form messages next to their fields.
:func:`form_save` runs a page's service write for a bound form and turns a stale
version (``ConflictError``) and a ``ValidationError`` into that form's errors.

:class:`DomainErrorMiddleware` turns a :class:`~tandem.core.errors.NotFoundError` raised
anywhere in a view into the 404 page, :class:`~tandem.core.errors.PermissionDeniedError`
into the 403 page and :class:`~tandem.core.errors.ConflictError` into the 409 page. An
HTMX request gets a small alert instead of a page, retargeted into the layout's
``#htmx-alerts`` region (the htmx configuration in ``base.html`` swaps these statuses).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from tandem.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from tandem.core.history import RECORD_ACTIONS, History, rows_from_entries
from tandem.core.htmx import is_htmx
from tandem.core.models import AuditEntry

ERROR_PAGES: dict[type[DomainError], tuple[int, str, str]] = {
    NotFoundError: (404, "404.html", "Not found"),
    PermissionDeniedError: (403, "403.html", "Not allowed"),
    ConflictError: (409, "409.html", "Changed by someone else"),
}


def domain_error_response(request: HttpRequest, error: DomainError) -> HttpResponse | None:
    """The page (or HTMX alert) for ``error``; ``None`` for errors this layer does not map."""
    matches = [page for cls, page in ERROR_PAGES.items() if isinstance(error, cls)]
    if not matches:
        return None
    status, template, title = matches[0]
    context = {"title": title, "message": error.message, "status": status}
    if is_htmx(request):
        body = render_to_string("partials/domain_error.html", context, request=request)
        response = HttpResponse(body, status=status)
        response["HX-Retarget"] = "#htmx-alerts"
        response["HX-Reswap"] = "innerHTML"
        return response
    return HttpResponse(render_to_string(template, context, request=request), status=status)


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return domain_error_response(request, exception)
        return None


def form_add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Attach a service's ``ValidationError`` to ``form``: messages about a field the
    form shows stand next to that field, the rest at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        form.add_error(target, messages)


@dataclass(frozen=True)
class FormSaveResult[T]:
    """What :func:`form_save` came to. ``status`` is what the page answers when the
    form is shown again: 409 after a conflict, else 200."""

    saved: bool
    status: int = 200
    conflict: bool = False
    returned: T | None = None

    @property
    def value(self) -> T:
        """The service's return value; only a saved result has one."""
        if not self.saved:
            raise AttributeError("Nothing was saved, so the service returned nothing.")
        return cast(T, self.returned)


def form_save[T](
    form: forms.BaseForm,
    write: Callable[[], T],
    *,
    field_names: Mapping[str, str] | None = None,
) -> FormSaveResult[T]:
    """Call ``write`` (the service, reading ``form.cleaned_data``) if ``form`` is bound
    and valid, and say whether it saved.

    An unbound or invalid form is not written (``saved`` false, status 200). A
    :class:`~tandem.core.errors.ConflictError` puts its message at the top of the form
    (status 409, ``conflict`` true); a ``ValidationError`` goes through
    :func:`form_add_errors`, its field names first mapped by ``field_names`` (service
    name → form name) where the form calls a field otherwise. Other errors propagate.
    The service is atomic, so a refused write has changed nothing in the database;
    the instance it was given may hold the refused values (re-read it to show the
    stored ones)."""
    if not form.is_valid():
        return FormSaveResult(saved=False)
    try:
        returned = write()
    except ConflictError as error:
        form.add_error(None, error.message)
        return FormSaveResult(saved=False, status=409, conflict=True)
    except ValidationError as error:
        form_add_errors(form, _renamed(error, field_names) if field_names else error)
        return FormSaveResult(saved=False)
    return FormSaveResult(saved=True, returned=returned)


def _renamed(error: ValidationError, names: Mapping[str, str]) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {names.get(name, name): messages for name, messages in error.error_dict.items()}
    )


def wants_partial(request: HttpRequest) -> bool:
    """True for an HTMX request that swaps part of a page. A history-restore request
    (the browser's back button after a cache miss) needs the whole page."""
    return is_htmx(request) and request.headers.get("HX-History-Restore-Request") != "true"


def history_rows(
    *entry_lists: Iterable[AuditEntry],
    viewer: Any = None,
    hidden_fields: frozenset[str] = frozenset(),
    limit: int = 50,
) -> History:
    """Merge audit entries already read (e.g. with :func:`tandem.core.audit.history_for`)
    newest first, as readable rows (``tandem.core.history``). New code calls
    :func:`tandem.core.history.history_rows` with the records instead (it reads the
    entries itself and knows each record, e.g. for a money field's currency)."""
    entries = sorted(
        (entry for entries in entry_lists for entry in entries if entry.action in RECORD_ACTIONS),
        key=lambda entry: (entry.at, entry.pk),
        reverse=True,
    )
    rows = rows_from_entries(entries[:limit], viewer=viewer, hidden_fields=hidden_fields,
                             name_subject=len(entry_lists) > 1)
    return History(rows, has_more=len(entries) > limit)

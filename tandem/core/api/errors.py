"""The one error shape of the API and the handlers that produce it (see
:mod:`tandem.core.api` for the table of what maps to what)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel, Field

from tandem.core.errors import ConflictError, DomainError, NotFoundError

logger = logging.getLogger("tandem.api")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NON_FIELD_ERRORS = "__all__"
# Largest id a path or query parameter may name: the range of a 64-bit primary key, so
# a huge number is a 422 instead of an overflow deep in the database driver.
MAX_ID = 2**63 - 1

# --- Error shape -------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    """What went wrong. ``fields`` maps a body, query or path field to its messages
    (``__all__`` for the request as a whole); ``current_version`` is set on 409."""

    code: str = Field(description="Stable, machine-readable reason, e.g. validation_error.")
    message: str = Field(description="A sentence for people.")
    fields: dict[str, list[str]] = Field(default_factory=dict)
    current_version: int | None = Field(
        default=None, description="On 409: the version the record has now."
    )


class ErrorOut(BaseModel):
    """The one error shape of the API."""

    error: ErrorDetail


# Which errors each kind of operation can answer, for the schema (``response={...}``),
# so schema-conformance fuzzing finds no undocumented status. 400 is an unreadable JSON
# body; 409 on create is a uniqueness race lost to a concurrent request.
SELF_ERRORS = (401, 429)
LIST_ERRORS = (401, 422, 429)
DETAIL_ERRORS = (401, 404, 422, 429)
CREATE_ERRORS = (400, 401, 403, 409, 422, 429)
UPDATE_ERRORS = (400, 401, 403, 404, 409, 422, 429)
DELETE_ERRORS = (401, 403, 404, 409, 422, 429)


def error_responses(codes: Sequence[int]) -> dict[int, type[ErrorOut]]:
    """``{status: ErrorOut}`` for ``response={200: X, **error_responses(LIST_ERRORS)}``."""
    return dict.fromkeys(codes, ErrorOut)


_CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "validation_error",
    429: "throttled",
}


def error_body(
    *,
    code: str,
    message: str,
    fields: Mapping[str, list[str]] | None = None,
    current_version: int | None = None,
) -> dict[str, Any]:
    detail: dict[str, Any] = {"code": code, "message": message, "fields": dict(fields or {})}
    if current_version is not None:
        detail["current_version"] = current_version
    return {"error": detail}


def _respond(api: NinjaAPI, request: HttpRequest, status: int, **body: Any) -> HttpResponse:
    response = api.create_response(request, error_body(**body), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="tandem"'
    return response


def _validation_message(fields: Mapping[str, list[str]]) -> str:
    names = [name for name in fields if name != NON_FIELD_ERRORS]
    if not names:
        return "The request is not valid."
    return f"Some fields are not valid: {', '.join(names)}."


def _field_name(loc: Sequence[Any], body_params: frozenset[str]) -> str:
    """``("body", "payload", "roles", 0)`` → ``"roles.0"``; ``("query", "limit")`` →
    ``"limit"``. The source and the name of the body parameter are dropped."""
    parts = list(loc[1:]) if loc and loc[0] in {"body", "query", "path", "header", "cookie", "form"} else list(loc)
    if loc and loc[0] == "body" and parts and parts[0] in body_params:
        parts = parts[1:]
    return ".".join(str(part) for part in parts) or NON_FIELD_ERRORS


_PYDANTIC_MESSAGES = {
    "missing": "This field is required.",
    "extra_forbidden": "This field is unknown or read-only.",
    "model_type": "The request body must be a JSON object.",
    "model_attributes_type": "The request body must be a JSON object.",
    "dict_type": "This must be a JSON object.",
}


def ninja_validation_fields(
    errors: Sequence[Mapping[str, Any]], body_params: frozenset[str] = frozenset({"payload"})
) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        name = _field_name(tuple(error.get("loc", ())), body_params)
        message = _PYDANTIC_MESSAGES.get(str(error.get("type")), str(error.get("msg", "Invalid value.")))
        fields.setdefault(name, [])
        if message not in fields[name]:
            fields[name].append(message)
    return fields


def django_validation_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}


def _on_ninja_validation(request: HttpRequest, exc: NinjaValidationError, api: NinjaAPI) -> HttpResponse:
    fields = ninja_validation_fields(exc.errors)
    return _respond(api, request, 422, code="validation_error", message=_validation_message(fields), fields=fields)


def _on_django_validation(request: HttpRequest, exc: DjangoValidationError, api: NinjaAPI) -> HttpResponse:
    fields = django_validation_fields(exc)
    return _respond(api, request, 422, code="validation_error", message=_validation_message(fields), fields=fields)


def _on_domain_error(request: HttpRequest, exc: DomainError, api: NinjaAPI) -> HttpResponse:
    current_version = exc.current_version if isinstance(exc, ConflictError) else None
    return _respond(
        api, request, exc.status_code, code=exc.code, message=exc.message, current_version=current_version
    )


def _on_http404(request: HttpRequest, exc: Http404, api: NinjaAPI) -> HttpResponse:
    return _respond(api, request, 404, code="not_found", message="Not found.")


def _on_permission_denied(request: HttpRequest, exc: PermissionDenied, api: NinjaAPI) -> HttpResponse:
    return _respond(
        api, request, 403, code="permission_denied", message=str(exc) or "You may not do this."
    )


def _on_integrity_error(request: HttpRequest, exc: IntegrityError, api: NinjaAPI) -> HttpResponse:
    # Services check uniqueness first; reaching here means a concurrent request won the
    # race between that check and the insert. The database said no: nothing was written.
    logger.info("IntegrityError answered 409: %s", exc)
    return _respond(
        api,
        request,
        409,
        code="conflict",
        message="Another request changed the same data at the same time. Reload and try again.",
    )


def _on_http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc, AuthenticationError):
        message = "Authentication required: log in, or send 'Authorization: Bearer <token>'."
        if exc.message != "Unauthorized":
            message = exc.message
    elif isinstance(exc, Throttled):
        message = "Too many requests. Wait a moment, then try again."
    elif status == 400 and exc.message.startswith("Cannot parse request body"):
        message = "The request body is not valid JSON."
    else:
        message = exc.message
    return _respond(api, request, status, code=_CODES_BY_STATUS.get(status, "error"), message=message)


def _on_too_big(request: HttpRequest, exc: RequestDataTooBig, api: NinjaAPI) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _respond(
        api, request, 413, code="payload_too_large",
        message=f"The request body is larger than the limit of {limit:,} bytes (TANDEM_MAX_UPLOAD_BYTES).",
    )


def _on_unexpected(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    logger.exception("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
    return _respond(
        api,
        request,
        500,
        code="server_error",
        message="Something went wrong on our side. It has been logged; please try again later.",
    )


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers so every error has the one shape."""
    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (Exception, _on_unexpected),
        (HttpError, _on_http_error),
        (NinjaValidationError, _on_ninja_validation),
        (DjangoValidationError, _on_django_validation),
        (DomainError, _on_domain_error),
        (Http404, _on_http404),
        (PermissionDenied, _on_permission_denied),
        (IntegrityError, _on_integrity_error),
        (RequestDataTooBig, _on_too_big),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, partial(handler, api=api))


@contextmanager
def renamed_fields(names: Mapping[str, str], *, non_field_errors: str | None = None) -> Iterator[None]:
    """Report a service's ``ValidationError`` under the API's field names
    (``{"team": "team_id"}``): the model says ``team``, the body says ``team_id``.
    ``non_field_errors`` names the field a plain (not per-field) ``ValidationError``
    belongs to, when the caller knows it (password validators raise those)."""
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            if non_field_errors is None:
                raise
            raise DjangoValidationError({non_field_errors: exc.messages}) from exc
        raise DjangoValidationError(
            {names.get(name, name): messages for name, messages in exc.message_dict.items()}
        ) from exc


def resolve_reference(field: str, fetch: Callable[[], Any]) -> Any:
    """Fetch the object a body field names (``team_id``); one the actor may not see, or
    that does not exist, is a 422 on that field (never a 404 for the whole request)."""
    try:
        return fetch()
    except NotFoundError as exc:
        raise DjangoValidationError({field: exc.message}) from exc

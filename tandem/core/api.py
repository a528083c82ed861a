"""The API side of Tandem's contracts: authentication, the one error shape, pagination.

Every app's ``api.py`` builds on these; ``config/api.py`` installs them on the one
``NinjaAPI`` object.

Authentication (tried in this order, see :data:`API_AUTH`):

* ``Authorization: Bearer <token>`` — a personal access token
  (:func:`tandem.people.services.token_authenticate`). A header that is present but
  names no usable token (unknown, revoked, expired, or its user disabled) answers 401;
  it never falls back to the session. A ``read`` token may only use GET, HEAD and
  OPTIONS: any other method answers 403.
* The Django session cookie, for the browser. Unsafe methods (POST, PATCH, PUT,
  DELETE) must pass Django's CSRF check (``X-CSRFToken`` header), else 403.
  Disabled users have no session (``EmailBackend.get_user`` refuses them), so 401.

Errors: every error answer, whatever raised it, is
``{"error": {"code": "...", "message": "...", "fields": {name: [message, ...]}}}``
(plus ``current_version`` on 409). :func:`install_error_handlers` maps:

=====================================================  ======  =====================
raised                                                 status  code
=====================================================  ======  =====================
ninja request validation (body, query, path)           422     validation_error
django ``ValidationError`` (from services)             422     validation_error
``NotFoundError`` / ``Http404``                        404     not_found
``PermissionDeniedError`` / ``PermissionDenied``       403     permission_denied (or
                                                               the error's own code)
``ConflictError`` (stale version)                      409     conflict
``IntegrityError`` (a concurrent writer won a race)    409     conflict
no or bad credentials                                  401     not_authenticated
throttled                                              429     throttled
unreadable JSON body                                   400     bad_request
body over ``TANDEM_MAX_UPLOAD_BYTES``                  413     payload_too_large
anything else                                          500     server_error (logged,
                                                               no traceback sent)
=====================================================  ======  =====================
"""

from __future__ import annotations

import logging
import threading
import time
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Annotated, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import BaseThrottle
from ninja.utils import check_csrf
from pydantic import BaseModel, ConfigDict, Field

from tandem.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from tandem.core.pagination import COUNT_CAP

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


# --- Authentication ----------------------------------------------------------------------


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer tdm_…`` — a personal access token (see module docstring)."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from tandem.people.services import token_authenticate

        access_token = token_authenticate(token)
        if access_token is None:
            raise AuthenticationError(message="The token is unknown, expired or revoked.")
        if request.method not in SAFE_METHODS and not access_token.allows_write:
            raise PermissionDeniedError(
                "This token is read-only: it may only read (GET).", code="token_read_only"
            )
        user = access_token.user
        request.user = user
        request.access_token = access_token  # type: ignore[attr-defined]
        return user


class SessionCsrfAuth(APIKeyCookie):
    """The browser's Django session; unsafe methods must pass Django's CSRF check.

    Only a signed-in, active user is accepted. The CSRF check runs only for a session
    that would otherwise authenticate, so a request with neither a session nor a token
    answers 401 (not a misleading CSRF 403).
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)  # ``csrf`` also tells the docs page to send the token

    def __call__(self, request: HttpRequest) -> Any:
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise PermissionDeniedError(
                "CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value.",
                code="csrf_failed",
            )
        return user


API_AUTH = [BearerTokenAuth(), SessionCsrfAuth()]


def current_user(request: HttpRequest) -> Any:
    """The authenticated user of an API request (set by :data:`API_AUTH`)."""
    return request.auth  # type: ignore[attr-defined]


class UserRateThrottle(BaseThrottle):
    """Requests per authenticated user, sliding window, at
    ``settings.TANDEM_API_THROTTLE_RATE`` (``"<n>/<s|m|h|d>"``; default
    :attr:`DEFAULT_RATE`; ``None`` or ``""`` switches it off). The rate is read per
    request, so tests and operators can change it without a restart.

    The request history lives in the cache (Redis when configured, so it is shared by
    every app server; per process otherwise). The per-request answer is kept in a
    thread-local, because ninja shares one throttle object between threads.
    """

    DEFAULT_RATE = "300/s"
    PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

    def __init__(self) -> None:
        self._state = threading.local()

    @classmethod
    def parse_rate(cls, rate: str) -> tuple[int, int]:
        count, _, period = rate.partition("/")
        try:
            return int(count), cls.PERIODS[period.strip()[:1]]
        except (ValueError, KeyError) as exc:
            raise ImproperlyConfigured(f"TANDEM_API_THROTTLE_RATE {rate!r} is not like '300/s'.") from exc

    def allow_request(self, request: HttpRequest) -> bool:
        self._state.wait = None
        rate = getattr(settings, "TANDEM_API_THROTTLE_RATE", self.DEFAULT_RATE)
        user_pk = getattr(getattr(request, "auth", None), "pk", None)
        if not rate or user_pk is None:
            return True
        limit, period = self.parse_rate(rate)
        key = f"throttle_tandem_api_{user_pk}"
        now = time.time()
        history = [at for at in cache.get(key, []) if at > now - period]  # newest first
        if len(history) >= limit:
            self._state.wait = max(0.0, period - (now - history[limit - 1]))
            return False
        cache.set(key, [now, *history], period)
        return True

    def wait(self) -> float | None:
        return getattr(self._state, "wait", None)


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

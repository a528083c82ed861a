"""The API side of Tandem's contracts: authentication, the one error shape, pagination.

A package: :mod:`~tandem.core.api.errors` (the error shape and its handlers),
:mod:`~tandem.core.api.auth` (authentication and throttling) and
:mod:`~tandem.core.api.params` (request-schema helpers and pagination). Import the
names from ``tandem.core.api``; they are re-exported here.

Every app's ``api.py`` builds on these; ``config/api.py`` installs them on the one
``NinjaAPI`` object.

Authentication (tried in this order, see :data:`API_AUTH`):

* ``Authorization: Bearer <token>`` — a personal access token
  (checked by the authenticator the people app registers with
  ``registry.token_authenticator``). A header that is present but
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

from tandem.core.api.auth import (
    API_AUTH,
    BearerTokenAuth,
    SessionCsrfAuth,
    UserRateThrottle,
    current_user,
)
from tandem.core.api.errors import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    NON_FIELD_ERRORS,
    SAFE_METHODS,
    SELF_ERRORS,
    UPDATE_ERRORS,
    ErrorDetail,
    ErrorOut,
    django_validation_fields,
    error_body,
    error_responses,
    install_error_handlers,
    ninja_validation_fields,
    renamed_fields,
    resolve_reference,
)
from tandem.core.api.params import (
    COUNT_CAP,
    EMAIL_SCHEMA,
    NO_NUL_PATTERN,
    YEAR_RANGE_PATTERN,
    Id,
    PageMeta,
    PageParams,
    email_text,
    integral_floats,
    optional,
    paginate,
    text,
    time_zone_names,
    time_zone_text,
)

__all__ = [
    "API_AUTH",
    "COUNT_CAP",
    "CREATE_ERRORS",
    "DELETE_ERRORS",
    "DETAIL_ERRORS",
    "EMAIL_SCHEMA",
    "LIST_ERRORS",
    "MAX_ID",
    "NON_FIELD_ERRORS",
    "NO_NUL_PATTERN",
    "SAFE_METHODS",
    "SELF_ERRORS",
    "UPDATE_ERRORS",
    "YEAR_RANGE_PATTERN",
    "BearerTokenAuth",
    "ErrorDetail",
    "ErrorOut",
    "Id",
    "PageMeta",
    "PageParams",
    "SessionCsrfAuth",
    "UserRateThrottle",
    "current_user",
    "django_validation_fields",
    "email_text",
    "error_body",
    "error_responses",
    "install_error_handlers",
    "integral_floats",
    "ninja_validation_fields",
    "optional",
    "paginate",
    "renamed_fields",
    "resolve_reference",
    "text",
    "time_zone_names",
    "time_zone_text",
]

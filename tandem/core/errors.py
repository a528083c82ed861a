"""The one error contract (STYLE rule 7).

Services raise Django's ``ValidationError`` (per field) or one of the domain errors
below. ``tandem.core.api`` turns them into JSON for the API; ``tandem.core.web`` turns them
into error pages, and forms into messages next to the field. Nothing else invents an error shape.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request. ``code`` is stable and machine-readable."""

    status_code = 400
    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ConflictError(DomainError):
    """The record changed since the caller read it (stale ``version``)."""

    status_code = 409
    code = "conflict"

    def __init__(
        self, message: str = "", *, current_version: int | None = None, code: str | None = None
    ) -> None:
        super().__init__(
            message
            or "This record was changed by someone else since you opened it. "
            "Reload it to see the latest version, then apply your change again.",
            code=code,
        )
        self.current_version = current_version


class PermissionDeniedError(DomainError):
    """The user may see the object but may not perform this action on it."""

    status_code = 403
    code = "permission_denied"


class NotFoundError(DomainError):
    """The object does not exist or the user may not see it (the two look the same)."""

    status_code = 404
    code = "not_found"

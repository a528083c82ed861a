"""Project expenses (travel, licences, subcontractors) and their receipts.

Who writes: the project's manager and admins record, change and delete a project's
expenses (:func:`tandem.delivery.policies.manages`, the same rule as every record of the
project). Members do not record expenses themselves: an expense counts in the
project's actual cost and the account's profitability at once, with no approval step,
so it is entered by the person answerable for the budget (members hand their receipts
to the manager). Everyone who sees the project sees its expenses and their receipts.

A receipt is checked before anything is stored (:func:`receipt_check`): its size
(:func:`receipt_limit`, ``TANDEM_RECEIPT_MAX_BYTES``, default :data:`RECEIPT_MAX_BYTES`)
and its type, read from the file's first bytes (PDF, PNG or JPEG), never from the
name or the content type the browser sends. It is stored under a name Tandem makes
(``receipt-<random>.<type>``), so a hostile file name never reaches the disk or a page.
A replaced or deleted receipt's file is removed once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from tandem.core.errors import PermissionDeniedError
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import SystemActor
from tandem.core.uploads import megabytes, upload_limit
from tandem.delivery.models import Project, ProjectExpense, ProjectMember
from tandem.delivery.policies import manages

EXPENSE_FIELDS = ("date", "category", "description", "amount", "currency", "is_billable", "spent_by")

#: The largest receipt accepted, unless ``settings.TANDEM_RECEIPT_MAX_BYTES`` says
#: otherwise (never more than the request limit, ``TANDEM_MAX_UPLOAD_BYTES``).
RECEIPT_MAX_BYTES = 10 * 1024 * 1024

#: The receipt types accepted: the first bytes of the file → (extension, content type).
RECEIPT_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
)
CONTENT_TYPES = {extension: content_type for _magic, extension, content_type in RECEIPT_SIGNATURES}


def receipt_limit() -> int:
    return min(int(getattr(settings, "TANDEM_RECEIPT_MAX_BYTES", RECEIPT_MAX_BYTES)), upload_limit())


def receipt_kind(head: bytes) -> str | None:
    """The receipt type (``pdf``, ``png``, ``jpg``) the first bytes show, else ``None``."""
    for magic, extension, _content_type in RECEIPT_SIGNATURES:
        if head.startswith(magic):
            return extension
    return None


def receipt_check(upload: IO[bytes] | Any, *, field: str = "receipt") -> ContentFile[bytes]:
    """The upload as a file to store under a name of Tandem's, or a
    :class:`ValidationError` on ``field`` saying what is wrong (empty, too large, not a
    PDF, PNG or JPEG). Reads at most the limit plus one byte."""
    limit = receipt_limit()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError({field: f"The receipt is larger than {megabytes(limit)}; attach a smaller scan or photo."})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({field: f"The receipt is larger than {megabytes(limit)}; attach a smaller scan or photo."})
    if not data:
        raise ValidationError({field: "The receipt file is empty."})
    kind = receipt_kind(data[:16])
    if kind is None:
        raise ValidationError({field: "Attach the receipt as a PDF, PNG or JPEG file (this file is none of these)."})
    return ContentFile(data, name=f"receipt-{secrets.token_hex(8)}.{kind}")


def require_expense_writer(actor: SystemActor, project: Project) -> None:
    if actor is not None and not manages(actor, project):
        raise PermissionDeniedError(
            "Only the project's manager records its expenses.", code="permission_denied",
        )


def _clean(data: dict[str, Any], *, project: Project) -> dict[str, Any]:
    unknown = sorted(set(data) - set(EXPENSE_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if isinstance(data.get("currency"), str):
        data["currency"] = data["currency"].strip().upper()
    if "description" in data:
        data["description"] = str(data["description"] or "").strip()
        if not data["description"]:
            raise ValidationError({"description": "Say what the money was spent on."})
    if "amount" in data:
        amount = data["amount"]
        if amount is None or Decimal(amount) < 0:
            raise ValidationError({"amount": "Give the amount spent (zero or more)."})
    date = data.get("date")
    if "date" in data and not isinstance(date, dt.date):
        raise ValidationError({"date": "Give the day the money was spent."})
    spent_by = data.get("spent_by")
    if spent_by is not None and not ProjectMember.objects.filter(project=project, user=spent_by).exists():
        raise ValidationError({"spent_by": f"{spent_by} is not on this project's team."})
    return data


def _forget_file(name: str) -> None:
    if name:
        storage = ProjectExpense._meta.get_field("receipt").storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def project_expense_create(
    *, actor: SystemActor, project: Project, data: dict[str, Any], receipt: Any = None,
) -> ProjectExpense:
    """A new expense of ``project`` (its manager); the currency defaults to the
    project's. ``receipt``, an uploaded file, is checked by :func:`receipt_check`."""
    require_expense_writer(actor, project)
    data = _clean(data, project=project)
    for name, message in (("date", "Give the day the money was spent."),
                          ("description", "Say what the money was spent on."),
                          ("amount", "Give the amount spent (zero or more).")):
        if data.get(name) in (None, ""):
            raise ValidationError({name: message})
    data.setdefault("currency", project.currency)
    if receipt is not None:
        data["receipt"] = receipt_check(receipt)
    return model_create(actor=actor, model=ProjectExpense, data={**data, "project": project})


@transaction.atomic
def project_expense_update(
    *, actor: SystemActor, expense: ProjectExpense, data: dict[str, Any], expected_version: int | None = None,
) -> ProjectExpense:
    """Change an expense (its project's manager); a stale ``expected_version`` is a
    conflict (409), never a silent overwrite."""
    require_expense_writer(actor, expense.project)
    data = _clean(data, project=expense.project)
    if not data:
        return expense
    return model_update(actor=actor, instance=expense, data=data, expected_version=expected_version)


@transaction.atomic
def project_expense_attach_receipt(
    *, actor: SystemActor, expense: ProjectExpense, receipt: Any, expected_version: int | None = None,
) -> ProjectExpense:
    """Attach (or replace) the expense's receipt; the replaced file is removed after commit."""
    require_expense_writer(actor, expense.project)
    stored = receipt_check(receipt)
    old_name = expense.receipt.name or ""
    updated = model_update(actor=actor, instance=expense, data={"receipt": stored}, expected_version=expected_version)
    _forget_file(old_name)
    return updated


@transaction.atomic
def project_expense_delete(
    *, actor: SystemActor, expense: ProjectExpense, expected_version: int | None = None,
) -> None:
    """Delete an expense and, after commit, its receipt file."""
    require_expense_writer(actor, expense.project)
    old_name = expense.receipt.name or ""
    model_delete(actor=actor, instance=expense, expected_version=expected_version)
    _forget_file(old_name)

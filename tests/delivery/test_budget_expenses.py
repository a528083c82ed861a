"""Project expenses: the services (who may write, versions, validation), the receipt
checks (type by content, size, a clear message on the field; stored under Tandem's
name) and the permission-checked receipt download."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.models import ProjectExpense
from tandem.delivery.services.expenses import receipt_check
from tests.conftest import client_for
from tests.delivery.factories import make_manager, make_project
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 40


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    manager = make_manager(full_name="Pia Manager")
    member = make_user(role=Role.MEMBER, full_name="Max Member")
    outsider = make_user(role=Role.MEMBER, full_name="Olga Outside")
    project = make_project(manager=manager, currency="EUR", budget=Decimal("5000"))
    services.project_member_add(actor=manager, project=project, user=member)
    return {"manager": manager, "member": member, "outsider": outsider, "project": project}


def upload(data: bytes, name: str = "receipt.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


DATA = {"date": dt.date(2027, 1, 8), "description": "Train to Lyon", "amount": Decimal("84.50")}


@pytest.mark.parametrize(("data", "extension"), [(PNG, "png"), (PDF, "pdf"), (JPEG, "jpg")])
def test_receipts_of_each_accepted_type(data, extension, world) -> None:
    expense = services.project_expense_create(
        actor=world["manager"], project=world["project"], data=DATA,
        receipt=upload(data, name="../../etc/<script>.exe", content_type="text/html"),
    )
    # Stored under Tandem's name with the type its bytes show, whatever the client said.
    assert expense.receipt.name.startswith("receipts/")
    assert expense.receipt.name.endswith(f".{extension}")
    assert "script" not in expense.receipt.name and ".." not in expense.receipt.name
    with expense.receipt.open("rb") as handle:
        assert handle.read() == data
    assert expense.currency == "EUR" and expense.version == 1


def test_an_exe_named_png_is_refused(world) -> None:
    with pytest.raises(ValidationError) as caught:
        services.project_expense_create(actor=world["manager"], project=world["project"], data=DATA,
                                        receipt=upload(EXE, name="photo.png", content_type="image/png"))
    assert caught.value.message_dict == {
        "receipt": ["Attach the receipt as a PDF, PNG or JPEG file (this file is none of these)."]}
    assert ProjectExpense.objects.count() == 0


def test_a_receipt_over_the_limit_is_refused(world, settings) -> None:
    settings.TANDEM_RECEIPT_MAX_BYTES = 1024
    too_big = PNG + b"\x00" * (1025 - len(PNG))
    with pytest.raises(ValidationError) as caught:
        receipt_check(upload(too_big))
    assert caught.value.message_dict == {"receipt": ["The receipt is larger than 1,024 bytes; attach a smaller scan or photo."]}
    # Exactly at the limit passes; an empty file does not.
    assert receipt_check(upload(too_big[:1024])).size == 1024
    with pytest.raises(ValidationError, match="The receipt file is empty"):
        receipt_check(upload(b""))


def test_members_and_outsiders_may_not_write_and_nothing_changes(world) -> None:
    expense = services.project_expense_create(actor=world["manager"], project=world["project"], data=DATA)
    before = AuditEntry.objects.count()
    for actor in (world["member"], world["outsider"]):
        with pytest.raises(PermissionDeniedError, match="Only the project's manager records its expenses"):
            services.project_expense_create(actor=actor, project=world["project"], data=DATA)
        with pytest.raises(PermissionDeniedError):
            services.project_expense_update(actor=actor, expense=expense, data={"amount": Decimal("1")})
        with pytest.raises(PermissionDeniedError):
            services.project_expense_delete(actor=actor, expense=expense)
        with pytest.raises(PermissionDeniedError):
            services.project_expense_attach_receipt(actor=actor, expense=expense, receipt=upload(PNG))
    expense.refresh_from_db()
    assert (ProjectExpense.objects.count(), expense.amount, expense.version) == (1, Decimal("84.50"), 1)
    assert AuditEntry.objects.count() == before


def test_updates_are_versioned_and_audited(world) -> None:
    manager = world["manager"]
    expense = services.project_expense_create(actor=manager, project=world["project"], data=DATA)
    updated = services.project_expense_update(
        actor=manager, expense=expense, data={"amount": Decimal("90"), "spent_by": world["member"]}, expected_version=1)
    assert (updated.amount, updated.spent_by, updated.version) == (Decimal("90"), world["member"], 2)
    stale = ProjectExpense.objects.get(pk=expense.pk)
    with pytest.raises(ConflictError):
        services.project_expense_update(actor=manager, expense=stale, data={"amount": Decimal("1")}, expected_version=1)
    assert ProjectExpense.objects.get(pk=expense.pk).amount == Decimal("90.00")
    entry = AuditEntry.objects.filter(object_id=str(expense.pk), action="update").get()
    assert entry.changes["amount"] == ["84.50", "90.00"]


def test_validation_names_the_field(world) -> None:
    manager, project = world["manager"], world["project"]
    with pytest.raises(ValidationError) as caught:
        services.project_expense_create(actor=manager, project=project, data={**DATA, "description": "  "})
    assert caught.value.message_dict == {"description": ["Say what the money was spent on."]}
    with pytest.raises(ValidationError) as caught:
        services.project_expense_create(actor=manager, project=project, data={**DATA, "spent_by": world["outsider"]})
    assert caught.value.message_dict == {"spent_by": ["Olga Outside is not on this project's team."]}
    with pytest.raises(ValidationError) as caught:
        services.project_expense_create(actor=manager, project=project, data={**DATA, "project": project})
    assert caught.value.message_dict == {"project": ["This field cannot be set here."]}


def test_replacing_and_deleting_remove_the_old_file(world, django_capture_on_commit_callbacks) -> None:
    manager = world["manager"]
    expense = services.project_expense_create(actor=manager, project=world["project"], data=DATA, receipt=upload(PNG))
    storage = expense.receipt.storage
    first = expense.receipt.name
    with django_capture_on_commit_callbacks(execute=True):
        expense = services.project_expense_attach_receipt(actor=manager, expense=expense, receipt=upload(PDF, "r.pdf"))
    assert not storage.exists(first) and storage.exists(expense.receipt.name)
    second = expense.receipt.name
    with django_capture_on_commit_callbacks(execute=True):
        services.project_expense_delete(actor=manager, expense=expense, expected_version=2)
    assert not storage.exists(second)
    assert ProjectExpense.objects.count() == 0


def test_the_receipt_is_served_only_to_who_sees_the_project(world) -> None:
    expense = services.project_expense_create(actor=world["manager"], project=world["project"], data=DATA,
                                              receipt=upload(PDF, "bill.pdf"))
    url = f"/delivery/expenses/{expense.pk}/receipt/"
    for actor in (world["manager"], world["member"]):
        response = client_for(actor).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox")
        assert b"".join(response.streaming_content) == PDF
    assert client_for(world["outsider"]).get(url).status_code == 404
    no_receipt = services.project_expense_create(actor=world["manager"], project=world["project"], data=DATA)
    page = client_for(world["member"]).get(f"/delivery/expenses/{no_receipt.pk}/receipt/")
    assert page.status_code == 200 and "No receipt is attached to this expense" in page.content.decode()
    # Not under a public media URL.
    assert client_for(world["outsider"]).get(f"/media/{expense.receipt.name}").status_code == 404

"""Security probe findings on imports, each reproduced: NUL bytes anywhere in a CSV,
control characters in names, a workbook whose sheet XML breaks after the header rows,
stored files that outlive their use, and errors that named internal fields."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from tandem import cli
from tandem.clients.models import CONTROL_CHARACTER_MESSAGE, Account
from tandem.core.roles import Role
from tandem.core.schedule import discover
from tandem.integrations.importing.files import FileRejected
from tandem.integrations.importing.runner import run_import
from tandem.integrations.importing.storage import remove_old_files, store_upload
from tandem.integrations.models import ImportJob, ImportStatus
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def am(db: None) -> Any:
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test", full_name="Alan Account", team=make_team())


def stored(media: Path) -> list[str]:
    folder = media / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def upload(user: Any, data: bytes, name: str, *, dry_run: bool = True) -> Any:
    client = Client()
    client.force_login(user)
    form = {"source": "salesforce", "object": "accounts", "file": SimpleUploadedFile(name, data, "text/csv")}
    if dry_run:
        form["dry_run"] = "on"
    return client.post("/imports/new/", form)


def csv_with_late_nul() -> bytes:
    rows = ["Id,Name"] + [f"A{n:05d},Company number {n:05d}" for n in range(800)]
    rows.append("A99999,Evil\x00Co")
    text = "\n".join(rows) + "\n"
    assert text.index("\x00") > 10_000
    return text.encode()


def test_a_nul_byte_after_the_first_10000_characters_refuses_the_file(am, media):
    with pytest.raises(FileRejected, match=r"Account.csv contains a NUL character \(line 802\)"):
        run_import(actor=am, source="salesforce", data=csv_with_late_nul(), file_name="Account.csv")
    response = upload(am, csv_with_late_nul(), "Account.csv", dry_run=False)
    assert response.status_code == 200
    assert "contains a NUL character (line 802)" in response.content.decode()
    assert (Account.objects.count(), ImportJob.objects.count(), stored(media)) == (0, 0, [])


def test_control_characters_in_names_are_refused_like_the_api_does(am):
    data = b"Id,Name\nA1,Evil\x1bCo\nA2,Fine Co\n"
    job = run_import(actor=am, source="salesforce", data=data, file_name="Account.csv")
    assert job.status == ImportStatus.INVALID
    assert job.errors == [{"row": 2, "column": "Name", "message": CONTROL_CHARACTER_MESSAGE}]
    assert Account.objects.count() == 0


def broken_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Id", "Name"])
    for number in range(30):
        sheet.append([f"A{number:03d}", f"Company {number}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cut = content.index(b'<row r="15"')
                content = content[:cut] + b'<row r="15"><c r="A15" t="inlineStr"><is><t>broken'
            target.writestr(item, content)
    return out.getvalue()


def test_a_workbook_whose_sheet_breaks_is_refused_clearly_on_the_command_line(am, tmp_path, capsys):
    path = tmp_path / "Account.xlsx"
    path.write_bytes(broken_workbook())
    code = cli.main(["import", "salesforce", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "Account.xlsx: the first sheet cannot be read after row 14 (its XML is damaged" in err
    assert "Traceback" not in err
    assert Account.objects.count() == 0


def test_a_workbook_whose_sheet_breaks_is_refused_on_the_page_and_not_kept(am, media):
    response = upload(am, broken_workbook(), "Account.xlsx", dry_run=False)
    assert response.status_code == 200
    assert "the first sheet cannot be read after row 14" in response.content.decode()
    assert (Account.objects.count(), ImportJob.objects.count(), stored(media)) == (0, 0, [])


def test_errors_name_the_files_column_not_the_internal_field(am):
    data = b"Id,Company Name,LastName\nC1,,Smith\n"
    job = run_import(actor=am, source="salesforce", data=data, file_name="Contact.csv")
    assert job.errors == [{"row": 2, "column": "Company Name", "message": "No account given."}]


def age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def job_for(user: Any, digest: str, status: str, hours_ago: float) -> ImportJob:
    job = ImportJob.objects.create(created_by=user, source="salesforce", object="accounts", file_name="a.csv",
                                   file_sha256=digest, status=status, dry_run=status == ImportStatus.VALIDATED)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=hours_ago))
    return job


def test_old_stored_files_are_removed_by_the_daily_cleanup(am, media, settings):
    settings.TANDEM_IMPORT_FILE_KEEP_HOURS = 24
    old_dry = store_upload(b"Id,Name\nA1,Old\n")
    fresh_dry = store_upload(b"Id,Name\nA1,Fresh\n")
    stopped = store_upload(b"Id,Name\nA1,Stopped\n")
    orphan = store_upload(b"Id,Name\nA1,Orphan\n")
    for path, hours in ((old_dry, 30), (fresh_dry, 2), (stopped, 30), (orphan, 30)):
        age(path, hours)
    job_for(am, old_dry.stem, ImportStatus.VALIDATED, 30)
    job_for(am, fresh_dry.stem, ImportStatus.VALIDATED, 2)
    job_for(am, stopped.stem, ImportStatus.FAILED, 30)  # resumable: kept a week
    assert remove_old_files() == 2
    assert stored(media) == sorted([fresh_dry.name, stopped.name])
    assert "tandem.integrations.tasks.imports_remove_old_files" in discover()


def test_a_finished_import_keeps_no_file_and_a_dry_run_keeps_one(am, media):
    data = b"Id,Name\nA1,Acme\n"
    upload(am, data, "Account.csv")
    assert len(stored(media)) == 1
    upload(am, data, "Account.csv", dry_run=False)
    assert stored(media) == []
    assert Account.objects.get().name == "Acme"

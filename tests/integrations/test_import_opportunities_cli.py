"""``tandem import salesforce|hubspot FILE --object opportunities`` and the upload page
with opportunities."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tandem import cli
from tandem.commercial.models import Opportunity
from tandem.core.roles import Role
from tandem.integrations.models import ImportJob
from tests.factories import make_team, make_user
from tests.integrations.test_import_opportunities import (
    HUBSPOT_COMPANIES,
    HUBSPOT_DEALS,
    SF_ACCOUNTS,
    SF_OPPORTUNITIES,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def am(db):
    return make_user(role=Role.ACCOUNT_MANAGER, email="am@example.test", full_name="Alan Account",
                     team=make_team(name="Sales"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_command_imports_salesforce_opportunities(capsys, tmp_path, am):
    assert run(capsys, "import", "salesforce", str(write(tmp_path, "Account.csv", SF_ACCOUNTS)), "--as", am.email)[0] == 0
    path = write(tmp_path, "export-2026-12-01.csv", SF_OPPORTUNITIES)
    code, out, err = run(capsys, "import", "salesforce", str(path), "--object", "opportunities", "--as", am.email,
                         "--quiet")
    assert (code, err) == (0, "")
    assert out.splitlines()[:3] == [
        "Salesforce opportunities from export-2026-12-01.csv: Done.",
        "rows: 4  created: 4  updated: 0  unchanged: 0  errors: 0  warnings: 1",
        "4 created, 0 updated, 0 unchanged.",
    ]
    assert Opportunity.objects.count() == 4
    code, out, _ = run(capsys, "import", "salesforce", str(path), "--object", "opportunities", "--as", am.email,
                       "--quiet")
    assert code == 0 and out.splitlines()[1].startswith("rows: 4  created: 0  updated: 0  unchanged: 4")


def test_the_command_recognises_hubspot_deals_by_file_name_and_reports_errors(capsys, tmp_path, am):
    run(capsys, "import", "hubspot", str(write(tmp_path, "hubspot-crm-exports-all-companies-2026-12-01.csv",
                                               HUBSPOT_COMPANIES)), "--as", am.email, "--quiet")
    bad = HUBSPOT_DEALS.replace("2027-01-15", "someday").replace(",9002;9001,", ",4242,")
    path = write(tmp_path, "hubspot-crm-exports-all-deals-2026-12-01.csv", bad)
    code, out, err = run(capsys, "import", "hubspot", str(path), "--dry-run", "--as", am.email, "--quiet")
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0] == ("HubSpot opportunities from hubspot-crm-exports-all-deals-2026-12-01.csv: "
                        "Refused: errors in the file, nothing written.")
    assert "  row 3, column Close Date: 'someday' is not a date (write 2026-03-31)" in lines
    assert Opportunity.objects.count() == 0
    good = write(tmp_path, "hubspot-crm-exports-all-deals-2026-12-02.csv", HUBSPOT_DEALS)
    code, out, _ = run(capsys, "import", "hubspot", str(good), "--as", am.email, "--quiet")
    assert code == 0 and Opportunity.objects.count() == 4


def test_the_upload_page_checks_then_imports_opportunities(am, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client = Client()
    client.force_login(am)
    client.post(reverse("integrations:import_create"), {
        "source": "hubspot", "object": "", "dry_run": "",
        "file": SimpleUploadedFile("hubspot-crm-exports-all-companies-1.csv", HUBSPOT_COMPANIES.encode()),
    })
    response = client.post(reverse("integrations:import_create"), {
        "source": "hubspot", "object": "opportunities", "dry_run": "on",
        "file": SimpleUploadedFile("deals.csv", HUBSPOT_DEALS.encode()),
    })
    job = ImportJob.objects.latest("id")
    assert response.status_code == 302 and (job.object, job.status, job.created_count) == ("opportunities", "validated", 4)
    page = client.get(reverse("integrations:import_detail", kwargs={"import_job_id": job.pk}))
    assert page.status_code == 200
    assert "Deal Stage" in page.content.decode() and Opportunity.objects.count() == 0
    mapping = {f"map_{name}": header for name, header in job.mapping.items()}
    response = client.post(reverse("integrations:import_run", kwargs={"import_job_id": job.pk}),
                           {**mapping, "action": "import"})
    assert response.status_code == 302
    assert ImportJob.objects.latest("id").status == "done" and Opportunity.objects.count() == 4

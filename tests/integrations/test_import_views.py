"""The import pages: upload, dry run with the column mapping, import, the job report;
refused files and refused people change nothing."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tandem.clients.models import Account, Contact
from tandem.core.roles import Role
from tandem.integrations.models import ImportJob
from tests.authz import db_state, diff_tables
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

# A Salesforce Data Export of Account (API names; a shipping city beside the billing one).
SF_ACCOUNTS = (
    '"Id","Name","Type","BillingCity","ShippingCity","BillingCountry","Phone","Website","Industry",'
    '"AnnualRevenue","NumberOfEmployees","OwnerId","CreatedDate"\n'
    '"0015g00000AbCdEAAV","Acme Corp","Customer - Direct","London","Leeds","United Kingdom","+44 20 1234",'
    '"www.acme.example","Manufacturing","12500000","250","am@example.test","2024-03-01T10:00:00.000Z"\n'
    '"0015g00000AbCdFAAV","Globex","Prospect","Berlin","Hamburg","Germany","","https://globex.example",'
    '"Energy","1.234,50","12","Nobody Known","2024-03-02T10:00:00.000Z"\n'
)
HUBSPOT_COMPANIES = (
    "Record ID,Company name,Company owner,Create Date,Phone Number,City,Country/Region,Industry,"
    "Company Domain Name,Website URL,Number of Employees,Annual Revenue,Lifecycle Stage\n"
    "9001,Umbrella,Alan Account,2025-01-01 09:00,+1 555,Raccoon City,United States,Pharma,umbrella.example,"
    "https://umbrella.example,5000,250000000,customer\n"
    "9002,Hooli,,2025-01-02 09:00,,Palo Alto,United States,Technology,hooli.example,,,,lead\n"
)
# A HubSpot "all contacts" export: labels as headers, associations as ';' lists.
HUBSPOT_CONTACTS = (
    "Record ID,First Name,Last Name,Email,Phone Number,Contact owner,Lifecycle Stage,Lead Status,Job Title,"
    "Company Name,Create Date,Associated Company IDs,Associated Deal IDs,Work Email\n"
    "501,Albert,Wesker,wesker@umbrella.example,,Alan Account,customer,,CEO,Umbrella,2025-01-01,9001,,"
    "albert.w@umbrella.example\n"
    "502,Gavin,Belson,gavin@hooli.example,,,lead,,CEO,Hooli,2025-01-01,9002;9001,,\n"
)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def am(db: None) -> Any:
    return make_user(
        role=Role.ACCOUNT_MANAGER,
        email="am@example.test",
        full_name="Alan Account",
        team=make_team(name="Sales"),
    )


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(
    client: Client,
    content: bytes | str,
    name: str,
    *,
    source: str = "salesforce",
    dry_run: bool = True,
    **extra: Any,
) -> Any:
    data = content.encode() if isinstance(content, str) else content
    form: dict[str, Any] = {
        "source": source,
        "file": SimpleUploadedFile(name, data, "text/csv"),
        **extra,
    }
    if dry_run:
        form["dry_run"] = "on"
    return client.post(reverse("integrations:import_create"), form)


def stored_files(media: Path) -> list[str]:
    folder = media / "imports"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def job_from(response: Any) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.fullmatch(r"/imports/(\d+)/", response["Location"])
    assert match, response["Location"]
    return ImportJob.objects.get(pk=int(match.group(1)))


def selected(html: str, name: str) -> str | None:
    """The selected option of the select ``name`` on the page (None when nothing is)."""
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    option = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return option.group(1) if option else None


def mapping_post(html: str, **changes: str) -> dict[str, str]:
    """The mapping form as the page shows it, with ``changes`` (field -> header)."""
    names = re.findall(r'<select[^>]* name="(map_[a-z_]+)"', html)
    data = {name: selected(html, name) or "" for name in names}
    data.update({f"map_{field}": header for field, header in changes.items()})
    return data


# --- Upload, check, adjust, import --------------------------------------------------------


def test_salesforce_accounts_dry_run_shows_mapping_and_counts_and_writes_nothing(
    am: Any, media: Path
) -> None:
    client = login(am)
    response = upload(client, SF_ACCOUNTS, "Account.csv")
    job = job_from(response)
    assert (job.source, job.object, job.dry_run, job.status) == (
        "salesforce",
        "accounts",
        True,
        "validated",
    )
    assert (job.total_rows, job.created_count, job.updated_count, job.error_count) == (2, 2, 0, 0)
    assert job.created_by == am
    assert Account.objects.count() == 0
    digest = hashlib.sha256(SF_ACCOUNTS.encode()).hexdigest()
    assert stored_files(media) == [f"{digest}.csv"]
    assert job.file_sha256 == digest and job.file_name == "Account.csv"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Dry run. Dry run: checked, nothing written." in html
    assert re.search(r'data-testid="created-count">2<', html)
    assert re.search(r'data-testid="updated-count">0<', html)
    assert re.search(r'data-testid="error-count">0<', html)
    assert "None found." in html
    # One select per field of the account importer, pre-selected from the automatic mapping.
    assert selected(html, "map_external_id") == "Id"
    assert selected(html, "map_name") == "Name"
    assert selected(html, "map_city") == "BillingCity"
    assert selected(html, "map_owner") == "OwnerId"
    assert selected(html, "map_description") == ""  # "— not imported —"
    options = re.findall(
        r"<option value=\"([^\"]*)\"",
        re.search(r'<select[^>]* name="map_city".*?</select>', html, re.S).group(0),
    )
    assert options == [
        "",
        "Id",
        "Name",
        "Type",
        "BillingCity",
        "ShippingCity",
        "BillingCountry",
        "Phone",
        "Website",
        "Industry",
        "AnnualRevenue",
        "NumberOfEmployees",
        "OwnerId",
        "CreatedDate",
    ]
    # The warning about the owner the file names but Tandem does not know.
    assert "owner &#x27;Nobody Known&#x27; is not an account manager here; assigned to you" in html


def test_adjusted_mapping_is_checked_then_imported(am: Any, media: Path) -> None:
    client = login(am)
    dry = job_from(upload(client, SF_ACCOUNTS, "Account.csv"))
    html = client.get(f"/imports/{dry.pk}/").content.decode()
    form = mapping_post(html, city="ShippingCity", description="Industry")

    check = job_from(client.post(f"/imports/{dry.pk}/run/", {**form, "action": "check"}))
    assert check.pk != dry.pk and check.dry_run and check.status == "validated"
    assert check.mapping["city"] == "ShippingCity" and check.mapping["description"] == "Industry"
    assert Account.objects.count() == 0
    check_html = client.get(f"/imports/{check.pk}/").content.decode()
    assert selected(check_html, "map_city") == "ShippingCity"

    done = job_from(client.post(f"/imports/{check.pk}/run/", {**form, "action": "import"}))
    assert (done.dry_run, done.status, done.created_count, done.updated_count) == (
        False,
        "done",
        2,
        0,
    )
    assert sorted(Account.objects.values_list("name", "city", "description", "owner")) == [
        ("Acme Corp", "Leeds", "Manufacturing", am.pk),
        ("Globex", "Hamburg", "Energy", am.pk),
    ]
    report = client.get(f"/imports/{done.pk}/").content.decode()
    assert "Done." in report and "2 created, 0 updated, 0 unchanged." in report
    assert re.search(r'data-testid="created-count">2<', report)
    assert 'data-testid="mapping-form"' not in report  # a finished import is not run again
    assert re.search(r"<th scope=\"row\">City</th><td>ShippingCity</td>", report)

    # A finished import's file is not kept: the older job's page cannot run it again.
    assert stored_files(media) == []
    gone = client.post(f"/imports/{check.pk}/run/", {**form, "action": "import"})
    assert gone.status_code == 410
    assert "The file of this job is no longer kept here; upload it again to import it." in gone.content.decode()
    # Uploaded again with the automatic mapping, the two accounts are updated (matched
    # by record id: BillingCity instead of ShippingCity); once more changes nothing.
    again = job_from(upload(client, SF_ACCOUNTS, "Account.csv", dry_run=False))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 2, 0)
    again = job_from(upload(client, SF_ACCOUNTS, "Account.csv", dry_run=False))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert Account.objects.count() == 2


def test_hubspot_companies_then_contacts_through_the_page(am: Any, media: Path) -> None:
    client = login(am)
    companies = job_from(
        upload(
            client,
            HUBSPOT_COMPANIES,
            "hubspot-crm-exports-all-companies-2025-06-01.csv",
            source="hubspot",
            dry_run=False,
        )
    )
    assert (companies.object, companies.dry_run, companies.status, companies.created_count) == (
        "accounts",
        False,
        "done",
        2,
    )
    dry = job_from(
        upload(
            client,
            HUBSPOT_CONTACTS,
            "hubspot-crm-exports-all-contacts-2025-06-01.csv",
            source="hubspot",
        )
    )
    assert (dry.object, dry.status, dry.created_count, dry.error_count) == (
        "contacts",
        "validated",
        2,
        0,
    )
    assert Contact.objects.count() == 0
    html = client.get(f"/imports/{dry.pk}/").content.decode()
    assert selected(html, "map_email") == "Email"
    assert selected(html, "map_account_external_id") == "Associated Company IDs"
    form = mapping_post(html, email="Work Email")
    done = job_from(client.post(f"/imports/{dry.pk}/run/", {**form, "action": "import"}))
    assert (done.status, done.created_count) == ("done", 2)
    assert sorted(Contact.objects.values_list("last_name", "email", "account__name")) == [
        ("Belson", "", "Hooli"),
        ("Wesker", "albert.w@umbrella.example", "Umbrella"),
    ]


def test_row_errors_are_listed_and_nothing_is_written(am: Any) -> None:
    rows = "".join(
        f'"001{n:015d}","Firm {n}","","","","","","","","","lots","",""\n' for n in range(250)
    )
    header = SF_ACCOUNTS.splitlines()[0] + "\n"
    client = login(am)
    job = job_from(upload(client, header + rows, "Account.csv", dry_run=False))
    assert (job.status, job.error_count, job.total_rows) == ("invalid", 250, 250)
    assert Account.objects.count() == 0
    html = client.get(f"/imports/{job.pk}/").content.decode()
    assert "The first 200 of 250 problems" in html
    assert html.count('data-testid="error-row"') == 200
    first = re.search(
        r'data-testid="error-row"><td class="text-end">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>',
        html,
    )
    assert first is not None and first.group(1, 2) == ("2", "NumberOfEmployees")
    # Skipping invalid rows from the page imports the valid ones (there are none here).
    form = mapping_post(html)
    skipped = job_from(
        client.post(f"/imports/{job.pk}/run/", {**form, "skip_invalid": "on", "action": "import"})
    )
    assert (skipped.status, skipped.created_count, skipped.error_count) == ("done", 0, 250)
    assert Account.objects.count() == 0


def test_a_required_field_left_unmapped_is_refused_next_to_the_mapping(am: Any) -> None:
    client = login(am)
    dry = job_from(upload(client, SF_ACCOUNTS, "Account.csv"))
    form = mapping_post(client.get(f"/imports/{dry.pk}/").content.decode(), name="")
    before = db_state()
    response = client.post(f"/imports/{dry.pk}/run/", {**form, "action": "import"})
    assert response.status_code == 422
    assert (
        "Account.csv cannot be imported as salesforce accounts: name: required column missing"
        in (response.content.decode())
    )
    assert diff_tables(before, db_state()) == []


def test_a_mapping_to_a_column_not_in_the_file_is_a_form_error(am: Any) -> None:
    client = login(am)
    dry = job_from(upload(client, SF_ACCOUNTS, "Account.csv"))
    form = mapping_post(client.get(f"/imports/{dry.pk}/").content.decode(), city="Nope")
    before = db_state()
    response = client.post(f"/imports/{dry.pk}/run/", {**form, "action": "import"})
    assert response.status_code == 422
    assert (
        "Select a valid choice. Nope is not one of the available choices."
        in response.content.decode()
    )
    assert diff_tables(before, db_state()) == []


# --- Refused files ----------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


HOSTILE = [
    pytest.param(
        "Id,Name\n1,Caf\xe9 M\xfcller\n".encode("latin-1"),
        "Account.csv",
        "Account.csv is not UTF-8 text (first bad byte 0xe9 on line 2).",
        id="latin-1",
    ),
    pytest.param(
        _zip(
            {
                "[Content_Types].xml": b"<Types/>",
                "xl/worksheets/sheet1.xml": b"0" * (60 * 1024 * 1024),
            }
        ),
        "hubspot-crm-exports-all-companies.xlsx",
        "refused as a possible zip bomb",
        id="zip-bomb",
    ),
    pytest.param(
        SF_ACCOUNTS.encode(),
        "Account.xlsx",
        "Account.xlsx is named like an Excel file but is not one (no XLSX signature).",
        id="csv-named-xlsx",
    ),
    pytest.param(
        b"Id,Name\n",
        "Contact.csv",
        "The file has no account column (AccountId, Associated Company IDs or Company Name).",
        id="wrong-object",
    ),
]


@pytest.mark.parametrize(("content", "name", "message"), HOSTILE)
def test_refused_files_say_why_next_to_the_file_field_and_write_nothing(
    am: Any, media: Path, content: bytes, name: str, message: str
) -> None:
    client = login(am)
    before = db_state()
    response = upload(client, content, name)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    # The message is the file field's error (Django links it to the field).
    assert re.search(r'<ul class="errorlist" id="id_file_error">', html)
    assert diff_tables(before, db_state()) == []
    assert stored_files(media) == []


def test_a_chosen_encoding_reads_the_file_and_keeps_it_as_utf8(am: Any, media: Path) -> None:
    latin = 'Id,Name,BillingCity\n"0015g00000AbCdEAAV","Café Müller","Köln"\n'.encode("latin-1")
    client = login(am)
    checked = job_from(upload(client, latin, "Account.csv", encoding="latin-1"))
    assert checked.status == "validated"
    utf8 = latin.decode("latin-1").encode()
    assert stored_files(media) == [f"{hashlib.sha256(utf8).hexdigest()}.csv"]
    job = job_from(upload(client, latin, "Account.csv", encoding="latin-1", dry_run=False))
    assert job.status == "done"
    assert Account.objects.get().name == "Café Müller"
    assert stored_files(media) == []  # done: the file is no longer needed


def test_an_oversized_file_is_refused(
    am: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # TANDEM_MAX_UPLOAD_BYTES stops the upload as it arrives (tandem.core.uploads).
    monkeypatch.setattr(django_settings, "TANDEM_MAX_UPLOAD_BYTES", 100)
    client = login(am)
    before = db_state()
    response = upload(client, SF_ACCOUNTS, "Account.csv")
    assert response.status_code == 200
    assert (
        "The file is larger than the upload limit of 100 bytes; nothing was kept."
        in (response.content.decode())
    )
    assert "This field is required" not in response.content.decode()
    assert diff_tables(before, db_state()) == []
    assert stored_files(media) == []


def test_a_script_in_the_file_name_is_shown_as_text_and_never_used_as_a_path(
    am: Any, media: Path
) -> None:
    client = login(am)
    name = '"><img src=x onerror=alert(1)>..Account.csv'  # Django drops any directory part
    job = job_from(upload(client, SF_ACCOUNTS, name))
    assert job.file_name == name
    assert stored_files(media) == [f"{job.file_sha256}.csv"]
    for url in (f"/imports/{job.pk}/", "/imports/"):
        html = client.get(url).content.decode()
        assert "<img src=x" not in html
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;..Account.csv" in html


# --- Who may import -------------------------------------------------------------------------


def test_member_gets_403_on_every_import_page_and_nothing_is_written(
    member: Any, media: Path
) -> None:
    client = login(member)
    before = db_state()
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/new/").status_code == 403
    assert upload(client, SF_ACCOUNTS, "Account.csv", dry_run=False).status_code == 403
    assert diff_tables(before, db_state()) == []
    assert stored_files(media) == []


def test_other_peoples_jobs(am: Any, member: Any, executive: Any, admin_user: Any) -> None:
    """Another account manager's job is a 404 (like a missing one); an executive sees
    that it exists but may neither open the import pages nor run it."""
    job = job_from(upload(login(am), SF_ACCOUNTS, "Account.csv"))
    html = login(am).get(f"/imports/{job.pk}/").content.decode()
    form = {**mapping_post(html), "action": "import"}
    other = make_user(
        role=Role.ACCOUNT_MANAGER, email="other@example.test", team=make_team(name="North")
    )
    before = db_state()
    for user, expected in ((other, 404), (member, 404), (executive, 403)):
        client = login(user)
        assert client.get(f"/imports/{job.pk}/").status_code == expected, user
        assert client.post(f"/imports/{job.pk}/run/", form).status_code == expected, user
    assert diff_tables(before, db_state()) == []
    assert "Account.csv" not in login(other).get("/imports/").content.decode()
    # Admins see and may run everyone's jobs.
    assert login(admin_user).get(f"/imports/{job.pk}/").status_code == 200
    assert (
        job_from(login(admin_user).post(f"/imports/{job.pk}/run/", form)).created_by == admin_user
    )


def test_navigation_offers_import_to_importers_only(
    am: Any, member: Any, executive: Any, admin_user: Any
) -> None:
    link = '<a class="sidebar-link" href="/imports/"><i class="ti ti-file-import" aria-hidden="true"></i><span>Imports</span></a>'
    assert link in login(am).get("/").content.decode()
    assert link in login(admin_user).get("/").content.decode()
    assert link not in login(member).get("/").content.decode()
    assert link not in login(executive).get("/").content.decode()


def test_a_job_whose_file_is_gone_says_so(am: Any, media: Path) -> None:
    client = login(am)
    job = job_from(upload(client, SF_ACCOUNTS, "Account.csv"))
    (media / "imports" / f"{job.file_sha256}.csv").unlink()
    html = client.get(f"/imports/{job.pk}/").content.decode()
    assert "The file of this job is no longer kept here; upload it again to import it." in html
    assert client.post(f"/imports/{job.pk}/run/", {"action": "import"}).status_code == 410
    assert Account.objects.count() == 0


# --- The job list ---------------------------------------------------------------------------


def _jobs(user: Any, count: int) -> None:
    ImportJob.objects.bulk_create(
        ImportJob(
            created_by=user,
            source="hubspot",
            object="contacts",
            file_name=f"contacts-{n}.csv",
            file_sha256=f"{n:064x}",
            dry_run=True,
            status="validated",
        )
        for n in range(count)
    )


def test_job_list_shows_the_users_jobs_newest_first(am: Any) -> None:
    other = make_user(role=Role.ACCOUNT_MANAGER, email="other@example.test")
    _jobs(other, 2)
    _jobs(am, 3)
    html = login(am).get("/imports/").content.decode()
    assert re.findall(r">(contacts-\d\.csv)</a>", html) == [
        "contacts-2.csv",
        "contacts-1.csv",
        "contacts-0.csv",
    ]
    assert html.count('data-testid="import-row"') == 3


# session, user, their roles, capped count, page rows with their creators, notification badge
IMPORT_LIST_QUERIES = 6


@pytest.mark.parametrize("size", [12, 130])
@pytest.mark.parametrize("per_page", [10, 100])
def test_job_list_query_count_is_constant(
    django_assert_num_queries: Any, am: Any, size: int, per_page: int
) -> None:
    _jobs(am, size)
    client = login(am)
    with django_assert_num_queries(IMPORT_LIST_QUERIES):
        response = client.get(f"/imports/?per_page={per_page}")
    assert response.content.decode().count('data-testid="import-row"') == min(size, per_page)

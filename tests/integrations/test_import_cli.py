"""``tandem import``: the command line over run_import, run in-process through
``tandem.cli.main``."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from tandem import cli
from tandem.clients.models import Account, Contact
from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tandem.integrations.models import ImportJob, ImportStatus
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

ACCOUNTS = (
    "Id,Name,Type,BillingCity,BillingCountry,Industry,OwnerId\n"
    "001A,Acme Corp,Customer - Direct,London,United Kingdom,Manufacturing,am@example.test\n"
    "001B,Globex,Prospect,Berlin,Germany,Energy,Nobody Known\n"
)
CONTACTS = (
    "Id,AccountId,FirstName,LastName,Email,Title\n"
    "003A,001A,Jo,Smith,jo@acme.example,CTO\n"
    "003B,001B,Max,Muster,max@globex.example,CEO\n"
)
BAD_CONTACTS = (
    "Id,AccountId,FirstName,LastName,Email,Title\n"
    "003A,001A,Jo,Smith,jo@acme.example,CTO\n"
    "003B,001B,Max,,max@globex.example,CEO\n"
    "003C,001Z,Ann,Lee,not-an-email,CFO\n"
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def am(db):
    return make_user(
        role=Role.ACCOUNT_MANAGER,
        email="am@example.test",
        full_name="Alan Account",
        team=make_team(name="Sales"),
    )


def test_import_writes_the_rows_and_prints_counts_and_warnings(capsys, tmp_path, am):
    path = write(tmp_path, "Account.csv", ACCOUNTS)
    code, out, err = run(capsys, "import", "salesforce", str(path))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Salesforce accounts from Account.csv: Done.",
        "rows: 2  created: 2  updated: 0  unchanged: 0  errors: 0  warnings: 1",
        "2 created, 0 updated, 0 unchanged.",
        "warnings:",
        "  row 3, column OwnerId: owner 'Nobody Known' is not an account manager here; "
        "left without owner",
    ]
    owners = dict(Account.objects.values_list("external_id", "owner__email"))
    assert owners == {"001A": "am@example.test", "001B": None}
    code, out, _ = run(capsys, "import", "salesforce", str(path))
    assert code == 0
    assert out.splitlines()[1].startswith("rows: 2  created: 0  updated: 0  unchanged: 2")
    assert Account.objects.count() == 2


def test_dry_run_prints_counts_and_writes_nothing(capsys, tmp_path, am):
    run(capsys, "import", "salesforce", str(write(tmp_path, "Account.csv", ACCOUNTS)))
    audit_before, jobs_before = AuditEntry.objects.count(), ImportJob.objects.count()
    path = write(tmp_path, "Contact.csv", CONTACTS)
    code, out, err = run(capsys, "import", "salesforce", str(path), "--dry-run")
    assert (code, err) == (0, "")
    assert out.splitlines()[:3] == [
        "Salesforce contacts from Contact.csv: Dry run: checked, nothing written.",
        "rows: 2  to create: 2  to update: 0  errors: 0  warnings: 0",
        "Nothing was written.",
    ]
    assert Contact.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before
    assert ImportJob.objects.count() == jobs_before + 1  # the dry run's own record
    assert ImportJob.objects.latest("id").status == ImportStatus.VALIDATED


def test_errors_exit_1_naming_row_and_column_and_write_nothing(capsys, tmp_path, am):
    run(capsys, "import", "salesforce", str(write(tmp_path, "Account.csv", ACCOUNTS)))
    path = write(tmp_path, "Contact.csv", BAD_CONTACTS)
    code, out, err = run(capsys, "import", "salesforce", str(path))
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert (
        lines[0]
        == "Salesforce contacts from Contact.csv: Refused: errors in the file, nothing written."
    )
    assert lines[1] == "rows: 3  to create: 1  to update: 0  errors: 3  warnings: 0"
    assert "  row 3, column LastName: This field cannot be blank." in lines
    # Both problems of row 4: the account and the e-mail address.
    assert "  row 4, column AccountId: No account with record id '001Z' from this source." in lines
    assert "  row 4, column Email: Enter a valid email address." in lines
    assert lines[-1] == (
        "tandem import: error: Contact.csv was refused: 3 problem(s), nothing was written "
        "(fix them, or pass --skip-invalid to import the valid rows)"
    )
    assert Contact.objects.count() == 0


def test_skip_invalid_imports_the_good_rows(capsys, tmp_path, am):
    run(capsys, "import", "salesforce", str(write(tmp_path, "Account.csv", ACCOUNTS)))
    path = write(tmp_path, "Contact.csv", BAD_CONTACTS)
    code, out, _ = run(capsys, "import", "salesforce", str(path), "--skip-invalid")
    assert code == 0
    assert (
        out.splitlines()[1]
        == "rows: 3  created: 1  updated: 0  unchanged: 0  errors: 3  warnings: 0"
    )
    assert list(Contact.objects.values_list("external_id", flat=True)) == ["003A"]


def test_map_reads_a_field_from_another_column(capsys, tmp_path, am):
    run(capsys, "import", "salesforce", str(write(tmp_path, "Account.csv", ACCOUNTS)))
    text = "Id,AccountId,Vorname,Nachname\n003A,001A,Jo,Smith\n"
    path = write(tmp_path, "people.csv", text)
    code, _, err = run(capsys, "import", "salesforce", str(path), "--object", "contacts")
    assert code == 1
    # The error names the file's columns (or the field's label when none is mapped).
    assert "  row 2, column Last name: This field cannot be blank." in err.splitlines()
    code, out, err = run(
        capsys, "import", "salesforce", str(path), "--object", "contacts",
        "--map", "last_name=Nachname", "--map", "first_name=Vorname",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.splitlines()[1].startswith("rows: 1  created: 1")
    assert list(Contact.objects.values_list("first_name", "last_name")) == [("Jo", "Smith")]


def test_many_errors_show_the_first_50(capsys, tmp_path, am):
    rows = "".join(f"00{number},,Ann,,,\n" for number in range(60))
    path = write(tmp_path, "Contact.csv", "Id,AccountId,FirstName,LastName,Email,Title\n" + rows)
    code, _, err = run(capsys, "import", "salesforce", str(path))
    assert code == 1
    shown = [line for line in err.splitlines() if line.startswith("  row ")]
    assert len(shown) == 50
    assert "  ... and 70 more" in err.splitlines()  # two errors a row, 120 in all


def test_as_user_applies_their_permissions(capsys, tmp_path, am):
    make_user(role=Role.MEMBER, email="member@example.test", full_name="Mel Member")
    path = write(tmp_path, "Account.csv", ACCOUNTS)
    code, out, err = run(capsys, "import", "salesforce", str(path), "--as", "member@example.test")
    assert (code, out) == (1, "")
    assert err == (
        "tandem import: error: Only account managers and administrators import client data.\n"
    )
    assert Account.objects.count() == 0
    code, _, err = run(capsys, "import", "salesforce", str(path), "--as", "ghost@example.test")
    assert code == 1
    assert (
        err == "tandem import: error: --as: no active user with the e-mail 'ghost@example.test'\n"
    )
    code, out, _ = run(capsys, "import", "salesforce", str(path), "--as", "am@example.test")
    assert code == 0
    assert ImportJob.objects.get(status=ImportStatus.DONE).created_by == am


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--batch-size", "0"], "--batch-size must be at least 1, not 0"),
        (["--map", "Surname"], "--map 'Surname': write FIELD=HEADER, e.g. last_name=Surname"),
        (
            ["--encoding", "klingon"],
            "Account.csv cannot be read as klingon: unknown encoding: klingon",
        ),
    ],
)
def test_bad_options_fail_naming_them(capsys, tmp_path, am, argv, message):
    path = write(tmp_path, "Account.csv", ACCOUNTS)
    code, out, err = run(capsys, "import", "salesforce", str(path), *argv)
    assert (code, out) == (1, "")
    assert err == f"tandem import: error: {message}\n"
    assert Account.objects.count() == 0


def test_a_missing_file_and_an_unknown_source_fail(capsys, tmp_path):
    code, _, err = run(capsys, "import", "salesforce", str(tmp_path / "nope.csv"))
    assert code == 1
    assert err == f"tandem import: error: no such file: {tmp_path / 'nope.csv'}\n"
    code, _, err = run(capsys, "import", "pipedrive", str(tmp_path / "nope.csv"))
    assert code == 2
    assert "invalid choice: 'pipedrive'" in err


def test_progress_bar_does_not_touch_output_off_a_terminal(capsys, tmp_path, am, monkeypatch):
    """Standard error is not a terminal here: no bar, and standard output holds the
    report only."""
    fake_err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", fake_err)
    path = write(tmp_path, "Account.csv", ACCOUNTS)
    code = cli.main(["import", "salesforce", str(path), "--batch-size", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert fake_err.getvalue() == ""
    assert out.splitlines()[0] == "Salesforce accounts from Account.csv: Done."


def test_progress_bar_draws_on_a_terminal(capsys, tmp_path, am, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    path = write(tmp_path, "Account.csv", ACCOUNTS)
    code = cli.main(["import", "salesforce", str(path), "--batch-size", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "import: Account.csv" in terminal.getvalue()
    assert "2.00/2.00" in terminal.getvalue()
    assert out.splitlines()[1].startswith("rows: 2  created: 2")

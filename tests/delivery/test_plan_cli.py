"""``tandem import msproject|asana FILE --project CODE`` and ``tandem export msproject
CODE -o FILE``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem import cli
from tandem.delivery.interchange.mspdi import read_mspdi
from tandem.delivery.models import Project, Task
from tests.clients.factories import make_account
from tests.delivery.factories import make_manager

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "interchange" / "files"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_then_export_a_plan(capsys, tmp_path) -> None:
    manager = make_manager(email="pm@example.test")
    account = make_account()
    source = FILES / "harbour-portal.xml"
    plan = read_mspdi(source.read_bytes())
    code, out, err = run(capsys, "import", "msproject", str(source), "--project", "harbour", "--dry-run",
                         "--as", "pm@example.test", "--quiet")
    assert (code, err) == (0, "")
    assert "HARBOUR Harbour" in out and "dry run: nothing was written" in out
    assert not Project.objects.filter(code="HARBOUR").exists()

    code, out, _ = run(capsys, "import", "msproject", str(source), "--project", "harbour", "--account",
                       str(account.pk), "--as", "pm@example.test", "--quiet")
    assert code == 0
    assert f"tasks: created {len(plan.tasks)}  updated 0  unchanged 0" in out
    project = Project.objects.get(code="HARBOUR")
    assert (project.account, project.manager) == (account, manager)
    assert "schedule to other dates" not in out

    code, out, _ = run(capsys, "import", "msproject", str(source), "--project", "HARBOUR", "--as",
                       "pm@example.test", "--quiet")
    assert f"tasks: created 0  updated 0  unchanged {len(plan.tasks)}" in out

    target = tmp_path / "harbour.xml"
    code, out, _ = run(capsys, "export", "msproject", "harbour", "-o", str(target))
    assert code == 0 and f"{len(plan.tasks)} tasks written to {target}" in out
    assert [task.name for task in read_mspdi(target.read_bytes()).tasks] == [task.name for task in plan.tasks]


def test_clear_refusals(capsys, tmp_path) -> None:
    code, _, err = run(capsys, "import", "msproject", str(FILES / "harbour-portal.xml"), "--quiet")
    assert code == 1 and "needs --project CODE" in err
    hostile = tmp_path / "laughs.xml"
    hostile.write_text('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><Project>&lol;</Project>')
    code, _, err = run(capsys, "import", "msproject", str(hostile), "--project", "X1", "--quiet")
    assert code == 1 and "laughs.xml was refused" in err
    assert not Project.objects.exists()
    code, _, err = run(capsys, "export", "msproject", "NOPE", "-o", str(tmp_path / "x.xml"))
    assert code == 1 and "no project with the code 'NOPE'" in err
    code, _, err = run(capsys, "import", "salesforce", str(FILES / "harbour-portal.xml"), "--project", "X", "--quiet")
    assert code == 1 and "--project and --account are for plans" in err
    assert Task.objects.count() == 0

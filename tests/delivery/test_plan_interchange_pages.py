"""Import and export from the project page: the export downloads MSPDI; an import is
checked first (a dry run that writes nothing), then applied; problems are named; the
manager only."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tandem.core.roles import Role
from tandem.delivery import services
from tandem.delivery.interchange.mspdi import read_mspdi
from tandem.delivery.models import Dependency, Task
from tests.conftest import client_for
from tests.delivery.factories import make_dependency, make_manager, make_project, make_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "interchange" / "files"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_export_then_import_into_another_project_round_trips() -> None:
    manager = make_manager()
    source = make_project(manager=manager, code="SRC")
    design = make_task(project=source, name="Design", duration_minutes=960)
    build = make_task(project=source, name="Build", duration_minutes=480)
    make_dependency(design, build, lag_minutes=240)
    client = client_for(manager)
    exported = client.get(reverse("delivery:project_export_msproject", kwargs={"project_id": source.pk}))
    assert exported.status_code == 200 and exported["Content-Disposition"] == 'attachment; filename="SRC.xml"'
    assert [task.name for task in read_mspdi(exported.content).tasks] == ["Design", "Build"]
    target = make_project(manager=manager, code="DST")
    url = reverse("delivery:project_import", kwargs={"project_id": target.pk})
    checked = client.post(url, {"file": _upload("plan.xml", exported.content)})
    html = checked.content.decode()
    assert checked.status_code == 200 and 'data-testid="tasks-created">2<' in html
    assert 'data-testid="links-created">1<' in html and 'data-testid="import-same-dates"' in html
    assert not Task.objects.filter(project=target).exists()  # the dry run wrote nothing
    token = html.split('name="token" value="')[1].split('"')[0]
    applied = client.post(url, {"token": token})
    assert applied.status_code == 302 and applied["Location"].endswith(f"/delivery/projects/{target.pk}/#plan")
    copies = {task.name: task for task in Task.objects.filter(project=target)}
    originals = {task.name: task for task in Task.objects.filter(project=source)}
    assert sorted(copies) == ["Build", "Design"]
    for name, task in copies.items():
        assert (task.early_start, task.early_finish) == (originals[name].early_start, originals[name].early_finish)
    link = Dependency.objects.get(project=target)
    assert (link.predecessor.name, link.successor.name, link.lag_minutes) == ("Design", "Build", 240)
    assert client.post(url, {"token": token}).status_code == 410  # used once


def test_problems_are_named_and_nothing_is_written() -> None:
    manager = make_manager()
    project = make_project(manager=manager)
    url = reverse("delivery:project_import", kwargs={"project_id": project.pk})
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Project>&a;</Project>'
    response = client_for(manager).post(url, {"file": _upload("evil.xml", hostile)})
    assert response.status_code == 422 and 'data-testid="import-problems"' in response.content.decode()
    unknown = client_for(manager).post(url, {"file": _upload("plan.txt", b"x")})
    assert "Choose the file type" in unknown.content.decode()
    with override_settings(TANDEM_MAX_UPLOAD_BYTES=100):
        big = client_for(manager).post(url, {"file": _upload("plan.xml", b"x" * 5000)})
    assert big.status_code == 413 and "larger than the upload limit" in big.content.decode()
    assert not Task.objects.filter(project=project).exists()


def test_an_asana_export_is_checked_then_imported() -> None:
    manager = make_manager()
    project = make_project(manager=manager)
    url = reverse("delivery:project_import", kwargs={"project_id": project.pk})
    content = (FILES / "asana-harbour-portal.csv").read_bytes()
    client = client_for(manager)
    html = client.post(url, {"file": _upload("asana.csv", content)}).content.decode()
    assert 'data-testid="import-dry-run"' in html
    created = int(html.split('data-testid="tasks-created">')[1].split("<")[0])
    token = html.split('name="token" value="')[1].split('"')[0]
    # The checked file belongs to the session that checked it: another gets nothing.
    assert client_for(manager).post(url, {"token": token}).status_code == 410
    assert client.post(url, {"token": token}).status_code == 302
    assert Task.objects.filter(project=project).count() == created > 0


def test_only_the_manager_imports_and_everyone_who_sees_it_exports() -> None:
    manager = make_manager()
    member = make_user(role=Role.MEMBER)
    project = make_project(manager=manager)
    services.project_member_add(actor=manager, project=project, user=member)
    make_task(project=project, name="Only")
    url = reverse("delivery:project_import", kwargs={"project_id": project.pk})
    content = (FILES / "harbour-portal.xml").read_bytes()
    assert client_for(member).get(url).status_code == 403
    assert client_for(member).post(url, {"file": _upload("plan.xml", content)}).status_code == 403
    assert client_for(make_manager()).get(url).status_code == 404
    assert Task.objects.filter(project=project).count() == 1
    export = reverse("delivery:project_export_msproject", kwargs={"project_id": project.pk})
    assert client_for(member).get(export).status_code == 200
    assert client_for(make_manager()).get(export).status_code == 404

"""Editing and publishing status reports: a stale edit is refused (409 through the API),
publishing sends the report to exactly the stakeholders who receive reports (users:
notification and e-mail copy; contacts with an e-mail who did not opt out: the report's
text), publishes ``status_report.published``, and a published report is read-only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.events import event_sink
from tandem.core.models import Notification
from tandem.core.services import model_create
from tandem.governance.models import Stakeholder, StatusReport
from tandem.governance.services.reports import (
    status_report_delete,
    status_report_draft,
    status_report_publish,
    status_report_update,
)
from tests.clients.factories import make_account, make_contact
from tests.delivery.factories import make_manager
from tests.factories import make_user
from tests.governance.factories_reports import PERIOD_END, report_project

pytestmark = pytest.mark.django_db
EVENTS: list = []


@event_sink
def _remember(event):
    EVENTS.append(event)


@pytest.fixture
def world():
    world = report_project()
    world["report"] = status_report_draft(actor=world["manager"], project=world["project"], period_end=PERIOD_END)
    return world


def stake(project, **data):
    return model_create(actor=None, model=Stakeholder, data={"project": project, **data})


def test_a_stale_edit_is_refused_and_changes_nothing(world):
    report, manager = world["report"], world["manager"]
    status_report_update(actor=manager, report=report, data={"summary": "On track"}, version=1)
    stale = StatusReport.objects.get(pk=report.pk)
    with pytest.raises(ConflictError):
        status_report_update(actor=manager, report=stale, data={"summary": "Other"}, version=1)
    fresh = StatusReport.objects.get(pk=report.pk)
    assert (fresh.summary, fresh.version) == ("On track", 2)


def test_someone_else_may_not_edit_publish_or_delete(world):
    report, outsider = world["report"], make_manager()
    for attempt in (
        lambda: status_report_update(actor=outsider, report=report, data={"summary": "x"}, version=1),
        lambda: status_report_publish(actor=outsider, report=report),
        lambda: status_report_delete(actor=outsider, report=report),
    ):
        with pytest.raises(PermissionDeniedError):
            attempt()
    fresh = StatusReport.objects.get(pk=report.pk)
    assert (fresh.status, fresh.summary, fresh.version) == ("draft", "", 1)


def test_publish_sends_to_exactly_the_stakeholders_who_receive_reports(
        world, mailoutbox, django_capture_on_commit_callbacks):
    project, report, manager = world["project"], world["report"], world["manager"]
    account = make_account()
    wants = make_user(full_name="Wanda Wants", email="wanda@tandem.test")
    declines = make_user(full_name="Dan Declines", email="dan@tandem.test")
    stake(project, user=wants)
    stake(project, user=declines, receives_status_reports=False)
    stake(project, contact=make_contact(account=account, first_name="Carla", last_name="Client",
                                        email="carla@client.test"))
    stake(project, contact=make_contact(account=account, first_name="Otto", last_name="Optout",
                                        email="otto@client.test", email_opt_out=True))
    stake(project, contact=make_contact(account=account, first_name="Nina", last_name="Nomail", email=""))
    EVENTS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        published = status_report_publish(actor=manager, report=report, version=1)
    assert published.status == "published"
    assert published.published_by == manager and published.published_at is not None
    notified = Notification.objects.filter(kind="status_report")
    assert [n.recipient.email for n in notified] == ["wanda@tandem.test"]
    assert notified[0].url == f"/governance/status-reports/{report.pk}/"
    assert notified[0].title == "Status report: HBR Harbour portal is red"
    assert sorted(mail.to[0] for mail in mailoutbox) == ["carla@client.test", "wanda@tandem.test"]
    contact_mail = next(mail for mail in mailoutbox if mail.to == ["carla@client.test"])
    assert contact_mail.subject == "[Tandem] Status report: HBR Harbour portal is red"
    assert contact_mail.body.startswith("HBR Harbour portal: status report 7 Jan – 20 Jan 2027\n\n"
                                        "Overall: Red · Schedule: Red · Budget: Red · Scope: Amber")
    assert "- 1 milestone missed: Beta delivered (due 15 Jan, not done)." in contact_mail.body
    [event] = [e for e in EVENTS if e.type == "status_report.published"]
    assert event.project_id == project.pk
    assert event.data["status_report_id"] == report.pk and event.data["overall_rag"] == "red"


def test_a_published_report_is_read_only(world):
    report, manager = world["report"], world["manager"]
    report = status_report_publish(actor=manager, report=report)
    with pytest.raises(ValidationError) as edit:
        status_report_update(actor=manager, report=report, data={"summary": "late edit"}, version=report.version)
    assert edit.value.message_dict == {"status": ["This report is published: it can no longer be changed."]}
    with pytest.raises(ValidationError):
        status_report_delete(actor=manager, report=report)
    with pytest.raises(ValidationError):
        status_report_publish(actor=manager, report=report)
    assert StatusReport.objects.get(pk=report.pk).summary == ""


def test_a_draft_is_deleted(world):
    status_report_delete(actor=world["manager"], report=world["report"], version=1)
    assert not StatusReport.objects.exists()


def test_a_bad_rag_names_the_field(world):
    with pytest.raises(ValidationError) as error:
        status_report_update(actor=world["manager"], report=world["report"], data={"budget_rag": "blue"}, version=1)
    assert error.value.message_dict == {"budget_rag": ["Choose green, amber or red."]}

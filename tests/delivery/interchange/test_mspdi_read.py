"""Reading MS Project XML (tandem.delivery.interchange.mspdi.read_mspdi): the sample plan
field by field, its dates against our scheduler, both calendar exception formats, and
the files that are refused (hostile XML, too large, not MS Project, broken values)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tandem.delivery.interchange import PlanError, read_mspdi, write_mspdi
from tandem.delivery.scheduling import ConstraintType, LinkType, schedule

FILES = Path(__file__).parent / "files"
SAMPLE = (FILES / "harbour-portal.xml").read_bytes()


def at(day: int, hour: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, 0)


def refusal(data: bytes, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(PlanError) as caught:
        read_mspdi(data, **kwargs)
    return caught.value.messages


def test_the_sample_plan_field_by_field() -> None:
    plan = read_mspdi(io.BytesIO(SAMPLE))
    # The project's title, not <Name> (which MS Project fills with the file name).
    assert (plan.name, plan.start, plan.minutes_per_day) == ("Harbour portal", at(1, 8), 480)
    assert plan.warnings == ()
    # The project summary task (UID 0) is the plan itself, not a task.
    assert [(t.uid, t.outline_level, t.wbs, t.is_summary) for t in plan.tasks] == [
        (1, 1, "1", True), (2, 2, "1.1", False), (3, 2, "1.2", False), (4, 2, "1.3", False),
        (5, 1, "2", True), (6, 2, "2.1", False), (7, 2, "2.2", False), (8, 2, "2.3", False),
        (14, 2, "2.4", False), (9, 1, "3", True), (10, 2, "3.1", False), (11, 2, "3.2", False),
        (12, 2, "3.3", False), (13, 2, "3.4", False),
    ]
    assert plan.parent_of() == {1: None, 2: 1, 3: 1, 4: 1, 5: None, 6: 5, 7: 5, 8: 5, 14: 5,
                                9: None, 10: 9, 11: 9, 12: 9, 13: 9}
    requirements = plan.task(2)
    assert (requirements.duration, requirements.percent_complete, requirements.actual_start,
            requirements.actual_finish) == (1440, 100, at(1, 8), at(3, 17))
    assert requirements.notes == "Workshops with the client's team & their harbour master."
    assert plan.task(3).actual_start == at(2, 8) and plan.task(3).actual_finish is None
    assert plan.task(4).is_milestone and plan.task(4).duration == 0
    assert (plan.task(6).priority, plan.task(11).priority, plan.task(7).priority) == (700, 1000, 500)
    # The three-point estimate of Project's PERT analysis (Duration1-3).
    assert (plan.task(6).optimistic, plan.task(6).likely, plan.task(6).pessimistic) == (1440, 2400, 4560)
    assert (plan.task(7).optimistic, plan.task(7).likely, plan.task(7).pessimistic) == (None, None, None)
    assert (plan.task(10).duration, plan.task(10).duration_format) == (720, 5)
    assert (plan.task(8).constraint, plan.task(8).constraint_date) == (ConstraintType.FNLT, at(19, 17))
    assert (plan.task(11).constraint, plan.task(11).constraint_date) == (ConstraintType.SNET, at(20, 8))
    assert plan.task(12).deadline == at(26, 17)
    assert [(k.predecessor_uid, k.successor_uid, k.type, k.lag, k.lag_format, k.elapsed_lag)
            for k in plan.links] == [
        (2, 3, LinkType.SS, 480, 7, None),
        (3, 4, LinkType.FS, 0, 7, None),
        (4, 6, LinkType.FS, -480, 7, None),  # a lead of one day
        (6, 7, LinkType.FF, 960, 7, None),
        (7, 8, LinkType.FS, 0, 7, None),
        (2, 14, LinkType.FS, 2400, 8, 10080),  # seven elapsed days: a working week
        (8, 10, LinkType.FS, 0, 7, None),
        (10, 11, LinkType.FS, 0, 7, None),
        (11, 12, LinkType.FS, 0, 7, None),
        (11, 13, LinkType.SF, 480, 7, None),
    ]
    # Resource UID 0 (MS Project's placeholder) and unassigned work are left out.
    assert [(r.uid, r.name, r.email, r.max_units, r.standard_rate) for r in plan.resources] == [
        (1, "Ada Lovelace", "ada@example.com", Decimal("1.00"), Decimal("95")),
        (2, "Grace Hopper", "grace@example.com", Decimal("0.50"), Decimal("110.5")),
    ]
    assert [(a.uid, a.task_uid, a.resource_uid, a.units, a.work) for a in plan.assignments] == [
        (1, 2, 1, Decimal("1"), 1440), (2, 2, 2, Decimal("0.5"), 720),
        (3, 6, 1, Decimal("1"), 2400), (4, 7, 2, Decimal("0.5"), 960),
    ]


def test_the_project_calendar_is_the_one_the_header_names() -> None:
    calendar = read_mspdi(SAMPLE).calendar
    # Not "Night shift" (listed first) nor Ada's resource calendar (derived from it).
    assert calendar.name == "Standard"
    standard = ((480, 720), (780, 1020))
    assert calendar.week == (standard,) * 5 + ((), ())
    assert dict(calendar.exceptions) == {dt.date(2027, 3, 12): (), dt.date(2027, 3, 20): ((480, 720),)}


def test_our_scheduler_gives_the_dates_ms_project_wrote() -> None:
    """Each Start and Finish in the sample is what MS Project computes on its standard
    calendar (08:00–12:00, 13:00–17:00) with the holiday on Friday 12 March and the
    morning worked on Saturday 20 March: e.g. Frontend finishes two days after Backend
    (FF +2d), Integration skips the holiday, Go-live waits for its start-no-earlier-than
    on the Saturday morning, Support hand-over finishes a day after Go-live starts (SF
    +1d) and the security audit starts seven calendar days after the requirements."""
    plan = read_mspdi(SAMPLE)
    tasks, links = plan.to_schedule_inputs()
    assert plan.start is not None
    result = schedule(tasks, links, plan.calendar, plan.start)
    computed = {uid: (row.early_start, row.early_finish) for uid, row in result.tasks.items()}
    assert computed == {task.uid: (task.start, task.finish) for task in plan.tasks}
    assert (result.start, result.finish) == (at(1, 8), at(22, 12))
    assert computed[8] == (at(15, 8), at(17, 17))
    assert computed[13] == (at(19, 8), at(22, 12))


def test_exceptions_in_the_format_before_project_2007_and_a_derived_calendar() -> None:
    plan = read_mspdi((FILES / "old-exceptions.xml").read_bytes())
    calendar = plan.calendar
    morning, afternoon = (540, 750), (810, 1020)
    # "Office" derives from "Standard" and takes Friday off.
    assert calendar.name == "Office"
    assert calendar.week == ((morning, afternoon),) * 4 + ((), (), ())
    assert dict(calendar.exceptions) == {
        dt.date(2027, 12, 24): (), dt.date(2027, 12, 25): (), dt.date(2027, 12, 26): (),
        dt.date(2027, 12, 27): (), dt.date(2027, 12, 31): ((540, 720),),
    }
    assert plan.minutes_per_day == 420
    result = schedule(*plan.to_schedule_inputs(), calendar, dt.datetime(2027, 12, 20, 9))
    assert (result.tasks[1].early_start, result.tasks[1].early_finish) == (
        plan.task(1).start, plan.task(1).finish) == (
        dt.datetime(2027, 12, 20, 9), dt.datetime(2027, 12, 28, 17))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project xmlns="http://schemas.microsoft.com/project"><Name>&lol4;</Name></Project>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="http://schemas.microsoft.com/project"><Name>&secret;</Name></Project>"""

DOCTYPE = b"""<?xml version="1.0"?>
<!DOCTYPE Project SYSTEM "http://example.com/project.dtd">
<Project xmlns="http://schemas.microsoft.com/project"><Name>x</Name></Project>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entities_are_refused(data: bytes) -> None:
    assert refusal(data) == [
        "The file declares XML entities (<!ENTITY>): entities can expand without limit or read "
        "files of the server, so the file is refused. MS Project never writes them."
    ]


def test_a_document_type_declaration_is_refused() -> None:
    assert refusal(DOCTYPE) == [
        "The file has a document type declaration (<!DOCTYPE>), which MS Project XML never "
        "has; the file is refused."
    ]


def test_the_parser_refuses_a_dtd_the_quick_check_cannot_see() -> None:
    # In UTF-16 the bytes "<!DOCTYPE" do not appear; defusedxml still refuses it.
    messages = refusal(DOCTYPE.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>')
                       .decode().encode("utf-16"))
    assert len(messages) == 1
    assert messages[0].startswith("The file uses XML features that are refused for safety (DTDForbidden")


def test_a_file_over_the_upload_limit_is_refused_unread() -> None:
    assert django_settings.TANDEM_MAX_UPLOAD_BYTES == 50 * 2**20
    big = SAMPLE + b" " * (60 * 2**20)
    expected = ["The file is larger than the upload limit of 50 MiB (TANDEM_MAX_UPLOAD_BYTES); nothing was read."]
    assert refusal(big) == expected
    stream = io.BytesIO(big)
    with pytest.raises(PlanError) as caught:
        read_mspdi(stream)
    assert caught.value.messages == expected
    assert stream.tell() == 50 * 2**20 + 1  # read no further than one byte past the limit


def test_the_limit_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(django_settings, "TANDEM_MAX_UPLOAD_BYTES", 1000)
    assert refusal(SAMPLE) == [
        "The file is larger than the upload limit of 1,000 bytes (TANDEM_MAX_UPLOAD_BYTES); nothing was read."
    ]


def test_xml_that_is_not_ms_project_is_refused() -> None:
    assert refusal(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>') == [
        'The file is XML but not MS Project XML: its root element is <svg>, not '
        '<Project xmlns="http://schemas.microsoft.com/project">.'
    ]
    assert refusal(b"Name,Start\nDesign,2027-03-01\n")[0].startswith("The file is not well-formed XML (")


def test_broken_values_are_all_named_by_task_and_element() -> None:
    data = (SAMPLE
            .replace(b"<Duration>PT40H0M0S</Duration>", b"<Duration>forty hours</Duration>")
            .replace(b"<LinkLag>9600</LinkLag>", b"<LinkLag>2d</LinkLag>")
            .replace(b"<ConstraintDate>2027-03-20T08:00:00</ConstraintDate>",
                     b"<ConstraintDate>20/03/2027</ConstraintDate>")
            .replace(b"<PredecessorUID>10</PredecessorUID>\n\t\t\t\t<Type>1</Type>",
                     b"<PredecessorUID>99</PredecessorUID>\n\t\t\t\t<Type>5</Type>")
            .replace(b"<PredecessorUID>11</PredecessorUID>\n\t\t\t\t<Type>1</Type>",
                     b"<PredecessorUID>77</PredecessorUID>\n\t\t\t\t<Type>1</Type>"))
    assert refusal(data) == [
        "Task UID 6 “Backend”: <Duration> 'forty hours' is not a duration such as PT8H0M0S.",
        "Task UID 7 “Frontend”: <LinkLag> '2d' is not a whole number.",
        "Task UID 11 “Go-live”: the <PredecessorLink> to UID 99 has <Type> 5, not 0 (FF), 1 (FS), 2 (SF) or 3 (SS).",
        "Task UID 11 “Go-live”: <ConstraintDate> '20/03/2027' is not a date and time (YYYY-MM-DDThh:mm:ss).",
        "Task UID 12 “Portal live”: <PredecessorLink> names the task UID 77, which is not in the plan.",
    ]


def test_outline_levels_that_skip_a_level_and_repeated_uids() -> None:
    data = (SAMPLE.replace(b"<OutlineNumber>1.2</OutlineNumber>\n\t\t\t<OutlineLevel>2</OutlineLevel>",
                           b"<OutlineNumber>1.2</OutlineNumber>\n\t\t\t<OutlineLevel>4</OutlineLevel>")
            .replace(b"<UID>14</UID>", b"<UID>13</UID>"))
    assert refusal(data) == [
        "Task UID 3 “Architecture”: <OutlineLevel> 4 skips a level (the task before is at level 2).",
        "Task UID 13 “Support hand-over”: the UID 13 is used by another task.",
    ]


def test_links_to_other_projects_and_percentage_lags_are_refused() -> None:
    data = (SAMPLE.replace(b"<CrossProject>0</CrossProject>\n\t\t\t\t<LinkLag>4800</LinkLag>\n\t\t\t\t<LagFormat>7</LagFormat>",
                           b"<CrossProject>1</CrossProject>\n\t\t\t\t<LinkLag>4800</LinkLag>\n\t\t\t\t<LagFormat>7</LagFormat>", 1)
            .replace(b"<LinkLag>9600</LinkLag>\n\t\t\t\t<LagFormat>7</LagFormat>",
                     b"<LinkLag>500</LinkLag>\n\t\t\t\t<LagFormat>19</LagFormat>"))
    assert refusal(data) == [
        "Task UID 3 “Architecture”: the <PredecessorLink> to UID 2 is a link to another project "
        "(<CrossProject>), which is not supported.",
        "Task UID 7 “Frontend”: the <PredecessorLink> to UID 6 has a lag as a percentage "
        "(<LagFormat> 19), which is not supported.",
    ]


def test_recurring_exceptions_are_left_out_with_a_warning() -> None:
    data = SAMPLE.replace(b"<Name>Company day</Name>\n\t\t\t\t\t<Type>1</Type>",
                          b"<Name>Company day</Name>\n\t\t\t\t\t<Type>2</Type>")
    plan = read_mspdi(data)
    assert dt.date(2027, 3, 12) not in plan.calendar.exceptions
    assert plan.warnings == (
        "Calendar UID 1 “Standard”, <Exception> “Company day”: a recurring exception (type 2) "
        "was left out; only dated and daily exceptions are read.",
    )


def test_a_task_with_tasks_under_it_is_a_summary_whatever_the_file_says() -> None:
    data = SAMPLE.replace(
        b"<DurationFormat>21</DurationFormat>\n\t\t\t<Milestone>0</Milestone>\n\t\t\t<Summary>1</Summary>",
        b"<DurationFormat>21</DurationFormat>\n\t\t\t<Milestone>0</Milestone>\n\t\t\t<Summary>0</Summary>")
    assert data.count(b"<Summary>0</Summary>") == 15  # every summary row says it is not one
    plan = read_mspdi(data)
    assert [task.uid for task in plan.tasks if task.is_summary] == [1, 5, 9]


def test_a_note_quoting_a_declaration_is_no_declaration() -> None:
    data = SAMPLE.replace(b"<Notes>Workshops", b"<Notes><![CDATA[<!DOCTYPE x><!ENTITY y 'z'>]]> Workshops")
    assert read_mspdi(data).task(2).notes.startswith("<!DOCTYPE x><!ENTITY y 'z'> Workshops")


def test_an_elapsed_lag_of_part_of_a_week_is_approximated_with_a_warning() -> None:
    plan = read_mspdi(SAMPLE.replace(b"<LinkLag>100800</LinkLag>", b"<LinkLag>28800</LinkLag>"))
    link = next(link for link in plan.links if link.successor_uid == 14)
    # Two calendar days hold 2/7 of the week's 2,400 working minutes.
    assert (link.lag, link.elapsed_lag, link.lag_format) == (686, 2880, 8)
    assert plan.warnings == ("Task UID 14 “Security audit”: the elapsed lag from UID 2 is scheduled as "
                             "686 working minutes (an average week's share).",)
    assert b"<LinkLag>28800</LinkLag><LagFormat>8</LagFormat>" in write_mspdi(plan)

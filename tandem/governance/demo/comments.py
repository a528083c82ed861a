"""Demo comment threads with @mentions (step "governance-comments", order 56): on the
demo project manager's and member's projects (several mentioning them, some in the last
week so their "Mentions" card shows), on accounts, and on the risks and meetings the
earlier governance steps made, when there are any. Written through ``comment_post``
(quietly: past threads notify nobody), then dated back over the last weeks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from django.utils import timezone

from tandem.clients.models import Account
from tandem.core import demo
from tandem.delivery.models import Project, ProjectMember
from tandem.governance.models import Comment, Meeting, Risk
from tandem.governance.services.comments import comment_post, may_see
from tandem.people.models import User

STEP = "governance-comments"
PM_LOGIN = "pm@example.com"
MEMBER_LOGIN = "member@example.com"
AM_LOGIN = "am@example.com"
PROJECT_THREADS = 12
ACCOUNT_THREADS = 6
RISK_THREADS = 8
MEETING_THREADS = 8

OPENERS = (
    "{mention} can you confirm the sign-off date with the client?",
    "Heads-up: the test environment is down until tomorrow morning. {mention} FYI.",
    "{mention} the estimate for this looks light to me, can we go through it on Thursday?",
    "Notes from today's call are in the shared folder: https://docs.example.com/notes/{n}",
    "Scope question from the client about the reporting module. {mention} any view?",
    "Dependencies are clear now, we can start on Monday.",
)
REPLIES = (
    "Thanks, on it.",
    "Done, updated the plan accordingly.",
    "Agreed. {mention} please keep an eye on the dates.",
    "I spoke to them this morning; they are fine with the new date.",
    "Let's discuss in the status meeting.",
)
RISK_LINES = (
    "{mention} the mitigation is in place; reviewing again next week.",
    "Probability went up after the supplier call. {mention} please update the contingency plan.",
    "No change since last review.",
)
MEETING_LINES = (
    "{mention} could you circulate the agenda a day ahead?",
    "Action items are in the notes; owners please confirm.",
    "Client asked to move this to the afternoon.",
)


def _login(email: str) -> Any:
    return User.objects.filter(email=email, is_active=True).first()


def _mention(user: Any) -> str:
    return f"@[{user.full_name or user.email}](user:{user.pk})" if user is not None else ""


def _post(actor: Any, target: Model, body: str, when: dt.datetime) -> Comment | None:
    if actor is None or not may_see(actor, target):
        return None
    comment = comment_post(actor=actor, target=target, body=" ".join(body.split()), quiet=True).comment
    Comment.objects.filter(pk=comment.pk).update(created_at=when, updated_at=when)
    return comment


def _team(project: Project) -> list[Any]:
    people = [member.user for member in ProjectMember.objects.filter(project=project).select_related("user")
              if member.user.is_active]
    if project.manager is not None:
        people.insert(0, project.manager)
    return people


def _thread(ctx: demo.DemoContext, rng: Any, target: Model, people: list[Any], lines: tuple[str, ...],
            focus: list[Any], *, recent: bool) -> int:
    """A short thread on ``target``: an opener mentioning someone of ``focus`` (the demo
    logins first) or of the team, and one to three replies."""
    if len(people) < 2:
        return 0
    now = timezone.now()
    start = now - dt.timedelta(days=rng.randint(1, 6) if recent else rng.randint(8, 60), hours=rng.randint(0, 8))
    visible_focus = [user for user in focus if user is not None and user in people]
    mentioned = visible_focus[0] if visible_focus else rng.choice(people[1:])
    author = next((user for user in people if user.pk != mentioned.pk), people[0])
    written = 0
    text = rng.choice(lines).format(mention=_mention(mentioned), n=rng.randint(100, 999))
    if _post(author, target, text, start):
        written += 1
    for number in range(rng.randint(1, 3)):
        replier = mentioned if number == 0 else rng.choice(people)
        other = next((user for user in people if user.pk != replier.pk), None)
        reply = rng.choice(REPLIES).format(mention=_mention(other))
        if _post(replier, target, reply, start + dt.timedelta(hours=2 + 5 * number)):
            written += 1
    return written


@demo.step(STEP, order=56)
def generate_comments(ctx: demo.DemoContext) -> None:
    """Comment threads with mentions on projects, accounts, risks and meetings."""
    rng = ctx.rng(STEP)
    pm, member, am = _login(PM_LOGIN), _login(MEMBER_LOGIN), _login(AM_LOGIN)
    focus = [member, pm]
    written = 0
    projects = list(Project.objects.filter(is_template=False).select_related("manager").order_by("pk"))
    demo_first = sorted(projects, key=lambda project: (
        not (pm is not None and project.manager_id == pm.pk)
        and not ProjectMember.objects.filter(project=project, user=member).exists(), project.pk))
    for index, project in enumerate(demo_first[: ctx.scaled(PROJECT_THREADS * 4, minimum=PROJECT_THREADS)]):
        written += _thread(ctx, rng, project, _team(project), OPENERS, focus, recent=index < PROJECT_THREADS // 2)
    for account in Account.objects.filter(owner__isnull=False).select_related("owner").order_by("pk")[:ACCOUNT_THREADS]:
        people = [account.owner, *(user for user in (am, pm) if user is not None and user.pk != account.owner_id)]
        written += _thread(ctx, rng, account, people, OPENERS, [am, pm], recent=False)
    for risk in Risk.objects.filter(project__isnull=False).select_related("project__manager").order_by("pk")[:RISK_THREADS]:
        written += _thread(ctx, rng, risk, _team(risk.project), RISK_LINES, focus, recent=rng.random() < 0.5)  # type: ignore[arg-type]
    for meeting in Meeting.objects.filter(project__isnull=False).select_related("project__manager").order_by("pk")[:MEETING_THREADS]:
        written += _thread(ctx, rng, meeting, _team(meeting.project), MEETING_LINES, focus, recent=False)  # type: ignore[arg-type]
    ctx.counts["comments"] = ctx.counts.get("comments", 0) + written

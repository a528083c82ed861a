"""Demo risk registers ("governance-risks", after delivery): 4–10 believable risks per
active or planning project, some occurred (their contingency plans made tasks), some
closed; relationship risks on some accounts; 90 days of exposure history; SWOT
analyses of a few projects and accounts, some items linked to risks. Written through
the governance services (the same rules and audit as the pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tandem.clients.models import Account
from tandem.core import demo
from tandem.delivery.models import Project, ProjectStatus
from tandem.governance.models import Risk, RiskExposure, SwotAnalysis
from tandem.governance.services.risks import risk_close, risk_create, risk_mark_occurred
from tandem.governance.services.swot import (
    swot_analysis_create,
    swot_item_create,
    swot_item_to_risk,
)

STEP = "governance-risks"

#: (title, category, trigger, mitigation, contingency steps)
PROJECT_RISKS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("Key developer leaves mid-project", "resources", "Resignation or long leave announced",
     "Pair on critical modules; keep the design notes current", ("Brief the replacement from the design notes",
                                                                 "Re-plan the sprint without the leaver",
                                                                 "Tell the client about the new contact")),
    ("Client sign-off on designs is late", "schedule", "No approval five working days after review",
     "Agree review dates in the kickoff; send reminders", ("Escalate to the client's sponsor",
                                                           "Start build on the approved screens",
                                                           "Move the milestone and inform finance")),
    ("Third-party API changes without notice", "technical", "Integration tests fail on the vendor endpoint",
     "Pin the API version; subscribe to the vendor's changelog", ("Switch to the pinned fallback version",
                                                                  "Write an adapter for the new contract",
                                                                  "Re-run the integration suite")),
    ("Scope creep from change requests", "scope", "More than three unplanned requests in a month",
     "Route every request through the change process", ("Freeze new requests for the release",
                                                        "Price the changes as a follow-on phase",
                                                        "Review the plan with the client")),
    ("Budget overrun on testing", "budget", "Testing hours pass 80 % of the estimate",
     "Automate the regression suite early", ("Cut exploratory testing to the critical paths",
                                             "Ask the client to approve extra testing days")),
    ("Test environment not ready in time", "technical", "Environment request still open a week before testing",
     "Order the environment at kickoff", ("Rent a cloud environment for four weeks", "Move testing by one week")),
    ("Data migration quality below target", "quality", "More than 2 % of records fail validation",
     "Profile the source data in the first sprint", ("Run a cleansing sprint with the client's data owner",
                                                     "Migrate in two waves", "Re-run the reconciliation report")),
    ("Security review finds critical issues", "quality", "Pen-test report with a critical finding",
     "Threat-model each feature; run static analysis in CI", ("Fix the critical findings first",
                                                              "Delay go-live until the re-test passes")),
    ("Client stakeholders unavailable in August", "external", "Out-of-office replies from key users",
     "Plan workshops before the holidays", ("Record the demos for asynchronous review",
                                           "Shift user acceptance testing to September")),
    ("Hosting costs above the estimate", "commercial", "Monthly invoice 20 % above the forecast",
     "Right-size the instances after load tests", ("Move batch jobs to off-peak instances",
                                                   "Agree the cost change with the client")),
)

ACCOUNT_RISKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Executive sponsor retires this year", "The sponsor announced retirement",
     ("Meet the likely successor", "Send a summary of the value delivered")),
    ("Renewal at risk after the budget freeze", "Procurement asks for a 20 % discount",
     ("Prepare a reduced-scope renewal option", "Book a QBR with finance")),
    ("Competitor courting the operations team", "Competitor demo seen in their office",
     ("Share the roadmap with the operations lead", "Offer a health check workshop")),
)

SWOT_ITEMS = {
    "strength": ("Experienced, stable team", "Strong relationship with the product owner", "Reusable component library"),
    "weakness": ("Thin automated test coverage", "One person knows the deployment pipeline"),
    "opportunity": ("Phase two: mobile app for field staff", "Support and maintenance retainer"),
    "threat": ("Budget freeze announced for next year", "Competitor offers a cheaper licence"),
}


def _estimate(ctx: demo.DemoContext) -> int:
    return ctx.scaled(1500)


@demo.step(STEP, order=52, estimate=_estimate)
def generate_risks(ctx: demo.DemoContext) -> None:
    """Risk registers, exposure history and SWOT analyses."""
    rng = ctx.rng(STEP)
    today = timezone.localdate()
    projects = list(Project.objects.filter(status__in=[ProjectStatus.ACTIVE, ProjectStatus.PLANNING], is_template=False)
                    .select_related("manager", "account").order_by("pk"))
    projects = projects[: ctx.scaled(300, minimum=min(len(projects), 6))]
    for project in projects:
        team = list(project.members.select_related("user").order_by("pk"))
        people = [member.user for member in team] or ([project.manager] if project.manager else [])
        for index, (title, category, trigger, mitigation, steps) in enumerate(
                rng.sample(PROJECT_RISKS, rng.randint(4, min(10, len(PROJECT_RISKS))))):
            owner = rng.choice(people) if people else None
            risk = risk_create(actor=None, project=project, data={
                "title": title, "category": category, "trigger": trigger, "mitigation_plan": mitigation,
                "contingency_plan": "\n".join(f"- {step}" for step in steps),
                "probability": rng.randint(1, 5), "impact": rng.randint(1, 5), "owner": owner,
                "response": rng.choice(["mitigate", "mitigate", "avoid", "transfer", "accept"]),
                "review_date": today + dt.timedelta(days=rng.randint(-10, 30)),
            })
            roll = rng.random()
            if index == 0 and roll < 0.35 and project.status == ProjectStatus.ACTIVE:
                risk_mark_occurred(actor=None, risk=risk, make_tasks=True)
            elif roll < 0.15:
                risk_close(actor=None, risk=risk)
        _history(project=project, today=today, rng=rng)
    accounts = list(Account.objects.filter(owner__isnull=False).select_related("owner").order_by("pk")
                    [: ctx.scaled(60, minimum=3)])
    for account in accounts[::2]:
        for title, trigger, steps in rng.sample(ACCOUNT_RISKS, rng.randint(1, 2)):
            risk_create(actor=None, account=account, data={
                "title": title, "category": "client", "trigger": trigger, "owner": account.owner,
                "contingency_plan": "\n".join(steps), "probability": rng.randint(2, 4), "impact": rng.randint(3, 5),
                "review_date": today + dt.timedelta(days=rng.randint(-5, 20))})
    for subject in [{"project": project} for project in projects[:: max(1, len(projects) // 4)][:4]] + [
            {"account": account} for account in accounts[1::3][:3]]:
        analysis = swot_analysis_create(actor=None, data={"title": "Quarterly review", "context": (
            "Where we stand before the next phase.")}, **subject)
        for quadrant, texts in SWOT_ITEMS.items():
            for text in rng.sample(texts, rng.randint(1, len(texts))):
                item = swot_item_create(actor=None, analysis=analysis, quadrant=quadrant, text=text)
                if quadrant in ("weakness", "threat") and rng.random() < 0.4:
                    swot_item_to_risk(actor=None, item=item)
    ctx.counts["risks"] = Risk.objects.count()
    ctx.counts["swot analyses"] = SwotAnalysis.objects.count()
    ctx.counts["risk exposure points"] = RiskExposure.objects.count()


def _history(*, project: Project, today: dt.date, rng: Any) -> None:
    """90 days of exposure before today: a walk that ends at today's value."""
    current = RiskExposure.objects.filter(project=project, day=today).values_list("exposure", "open_risks").first()
    exposure, open_risks = current or (0, 0)
    rows = []
    for back in range(1, 90):
        exposure = max(0, exposure + rng.choice([-4, -2, 0, 0, 0, 1, 3, 5]) * (1 if rng.random() < 0.3 else 0))
        open_risks = max(0, min(12, open_risks + rng.choice([-1, 0, 0, 0, 1]) * (1 if rng.random() < 0.2 else 0)))
        rows.append(RiskExposure(project=project, day=today - dt.timedelta(days=back), exposure=exposure,
                                 open_risks=open_risks))
    RiskExposure.objects.bulk_create(rows, ignore_conflicts=True)

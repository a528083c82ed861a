"""The governance and outbound rows that hang off the accounts and projects a P4
measure cuts away (see :func:`tandem.bench.measures.delivery_rows.shrink_projects`)."""

from __future__ import annotations

from django.db.models import Model, Q
from django.db.models.functions import Mod

from tandem.clients.models import Account
from tandem.delivery.models import Project
from tandem.governance.models import (
    ActionItem,
    Comment,
    Meeting,
    MeetingSeries,
    RaciRow,
    Risk,
    RiskExposure,
    Stakeholder,
    StatusReport,
    SwotAnalysis,
)
from tandem.integrations.models import CalendarFeed, ChatChannel


def shrink_governance(keep_one_in: int) -> None:
    """Delete the governance rows (and the chat channels and calendar feeds) of every
    account whose id is not a multiple of ``keep_one_in`` and of its projects, through
    the ORM so their many-to-many and child rows go with them (the caller rolls back)."""
    gone_accounts = Account.objects.annotate(kept=Mod("id", keep_one_in)).exclude(kept=0).values("id")
    gone_projects = Project.objects.filter(account_id__in=gone_accounts).values("id")
    subject = Q(project_id__in=gone_projects) | Q(account_id__in=gone_accounts)
    Comment.objects.filter(
        subject | Q(task__project_id__in=gone_projects) | Q(risk__in=Risk.objects.filter(subject))
        | Q(meeting__in=Meeting.objects.filter(subject))
    ).delete()
    ActionItem.objects.filter(meeting__in=Meeting.objects.filter(subject)).delete()
    by_subject: tuple[type[Model], ...] = (Meeting, MeetingSeries, SwotAnalysis, RiskExposure, Risk)
    for model in by_subject:
        model._default_manager.filter(subject).delete()
    by_project: tuple[type[Model], ...] = (RaciRow, Stakeholder, StatusReport, ChatChannel, CalendarFeed)
    for model in by_project:
        model._default_manager.filter(project_id__in=gone_projects).delete()

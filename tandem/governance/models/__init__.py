"""Governance's records: status reports, meetings and action items, risks and their
exposure, SWOT analyses, stakeholders, the RACI matrix and comments."""

from tandem.governance.models.comments import COMMENT_TARGETS, Comment
from tandem.governance.models.common import Rag
from tandem.governance.models.meetings import (
    ActionItem,
    ActionItemStatus,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
)
from tandem.governance.models.raci import (
    CommunicationChannel,
    CommunicationFrequency,
    RaciCell,
    RaciLetter,
    RaciRow,
    RaciRowKind,
    Stakeholder,
)
from tandem.governance.models.reports import ReportStatus, StatusReport
from tandem.governance.models.risks import (
    Risk,
    RiskCategory,
    RiskExposure,
    RiskResponse,
    RiskStatus,
    SwotAnalysis,
    SwotItem,
    SwotQuadrant,
)

__all__ = [
    "COMMENT_TARGETS",
    "ActionItem",
    "ActionItemStatus",
    "Comment",
    "CommunicationChannel",
    "CommunicationFrequency",
    "Meeting",
    "MeetingKind",
    "MeetingSeries",
    "MeetingStatus",
    "RaciCell",
    "RaciLetter",
    "RaciRow",
    "RaciRowKind",
    "Rag",
    "ReportStatus",
    "Risk",
    "RiskCategory",
    "RiskExposure",
    "RiskResponse",
    "RiskStatus",
    "Stakeholder",
    "StatusReport",
    "SwotAnalysis",
    "SwotItem",
    "SwotQuadrant",
]

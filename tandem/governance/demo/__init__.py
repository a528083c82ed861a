"""Governance's demo steps (``tandem demo``), one module per part, each registered with
``tandem.core.demo.step`` at an order after delivery's (40): stakeholders 50, RACI 51,
risks and SWOT 52, meetings 53, status reports 55, comments 56."""

from tandem.governance.demo import comments, meetings, raci, reports, risks  # noqa: F401

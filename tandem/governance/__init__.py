"""Governance: status reports, meetings and action items, risks, SWOT, RACI,
stakeholders and comments (issue 10)."""

"""Governance's demo steps (``tandem demo``), one module per part, each registered with
``tandem.core.demo.step`` at an order after delivery's (40): stakeholders 50, RACI 51,
risks and SWOT 52, meetings 53, status reports 55, comments 56, outbound 57."""

from tandem.governance.demo import risks  # noqa: F401  (risks and SWOT, order 52)
from tandem.governance.demo import reports  # noqa: F401  (status reports, order 55)
from tandem.governance.demo import comments  # noqa: F401
from tandem.governance.demo import meetings  # noqa: F401

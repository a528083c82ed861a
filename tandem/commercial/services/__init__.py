"""Writes of commercial data (STYLE rule 1), one module per area.

The package exports only services, ``<entity>_<verb>(*, actor, …)``: permission-checked,
audited, the one way pages, the API, imports, jobs and the demo write commercial records.
Helpers stay in their modules and are not exported.
"""

from tandem.commercial.services.opportunities import (
    opportunity_create,
    opportunity_delete,
    opportunity_line_create,
    opportunity_line_delete,
    opportunity_line_update,
    opportunity_mark_lost,
    opportunity_mark_won,
    opportunity_move,
    opportunity_update,
)

__all__ = [
    "opportunity_create",
    "opportunity_delete",
    "opportunity_line_create",
    "opportunity_line_delete",
    "opportunity_line_update",
    "opportunity_mark_lost",
    "opportunity_mark_won",
    "opportunity_move",
    "opportunity_update",
]

# --- pipeline: stages ---------------------------------------------------------------------
from tandem.commercial.services.stages import stage_create, stage_delete, stage_update

__all__ += ["stage_create", "stage_delete", "stage_update"]

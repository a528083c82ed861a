"""The event types governance publishes (``tandem.core.events``)."""

from tandem.core.events import event_type

event_type("risk.raised", "Risk raised", "A risk was added to a register.")
event_type("risk.occurred", "Risk occurred", "A risk happened; its contingency plan applies.")
event_type("status_report.published", "Status report published", "A project's status report was published.")
event_type("meeting.scheduled", "Meeting scheduled", "A meeting or a meeting series was planned.")
event_type("action_item.assigned", "Action item assigned", "A meeting's action item was given an owner.")
event_type("comment.posted", "Comment posted", "Someone commented on a record (mentions included).")
event_type("raci.updated", "RACI matrix changed", "A letter of a project's RACI matrix was set or cleared.")

# RACI: the Informed of a row hear of its status changes (sink in services.raci).
from tandem.governance.services import raci as _raci_sinks  # noqa: E402,F401

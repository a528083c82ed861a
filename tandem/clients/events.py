"""The event types clients publishes (``tandem.core.events``)."""

from tandem.core.events import event_type

event_type("inquiry.sla_breached", "Inquiry SLA breached", "A client inquiry passed its SLA target unanswered.")
event_type("feedback.received", "Feedback received", "A client's feedback was recorded.")

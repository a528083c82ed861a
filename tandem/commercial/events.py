"""The event types commercial publishes (``tandem.core.events``)."""

from tandem.core.events import event_type

event_type("opportunity.won", "Opportunity won", "A sales opportunity was won.")
event_type("opportunity.lost", "Opportunity lost", "A sales opportunity was lost.")
event_type("contract.signed", "Contract signed", "A contract became active.")

"""The event type outbound delivery adds: the test ping (not offered to subscribers)."""

from tandem.core.events import event_type

PING = "webhook.ping"
event_type(PING, "Test ping", "A test message sent on demand to one webhook endpoint or chat channel.", public=False)

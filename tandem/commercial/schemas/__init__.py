"""Request and answer shapes of the commercial API, one module per area."""

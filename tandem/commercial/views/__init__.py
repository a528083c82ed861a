"""Commercial views, one module per area."""

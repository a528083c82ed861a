"""Commercial pages (one module per area)."""

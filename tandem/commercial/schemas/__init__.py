"""Commercial schemas, one module per area."""

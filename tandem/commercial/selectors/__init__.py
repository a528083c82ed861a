"""Commercial selectors, one module per area."""

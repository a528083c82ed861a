"""Commercial pages, one module per area (``quotes``, ``opportunities`` …)."""

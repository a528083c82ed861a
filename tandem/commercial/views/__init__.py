"""Commercial pages, one module per area (mounted by :mod:`tandem.commercial.urls`)."""

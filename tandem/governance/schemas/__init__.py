"""API schemas of governance, one module per part."""

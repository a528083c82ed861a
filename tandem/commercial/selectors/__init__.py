"""Reads of commercial data, scoped to the acting user (STYLE rule 2): one module per
area (``quotes``, ``opportunities``, ``catalog`` …)."""

"""Reads of commercial data (STYLE rule 2), one module per area: each takes the acting user and returns scoped querysets."""

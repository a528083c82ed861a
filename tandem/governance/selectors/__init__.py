"""Governance's reads, scoped to the acting user, one module per part."""

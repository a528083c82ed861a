"""Reads of commercial data that leave their module (STYLE rule 2), one module per area:
each takes the acting user and returns querysets scoped to what that user may see."""

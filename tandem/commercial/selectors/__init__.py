"""Reads of commercial data that leave their module (STYLE rule 2): each takes the
acting user and answers only what that user may see, one module per area."""

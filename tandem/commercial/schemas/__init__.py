"""Shapes of the commercial API, one module per area (``catalog``, …): bodies refuse
unknown and read-only fields; answers are plain dicts built by the ``*_out`` functions."""

"""Shapes of the commercial API, one module per area (see :mod:`tandem.commercial.api`)."""

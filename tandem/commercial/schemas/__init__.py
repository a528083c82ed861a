"""Shapes of the commercial API, one module per area (``quotes``, ``opportunities`` …):
bodies refuse unknown and read-only fields (``tandem.clients.schemas.StrictIn``), and
what comes out is built by the ``*_out`` functions. Money is a decimal string with two
places, beside its currency."""

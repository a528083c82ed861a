"""Governance's writes, one module per part; every write is ``<entity>_<verb>(*, actor, …)``."""

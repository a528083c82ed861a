"""Core's own sidebar entry: Home, above the areas (registered from ``CoreConfig.ready()``)."""

from __future__ import annotations

from tandem.core import registry

registry.nav_entry(area=registry.TOP, label="Home", url_name="home", icon="home", order=0)

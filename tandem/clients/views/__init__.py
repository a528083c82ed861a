"""Account management pages, one module per area (routes in ``tandem.clients.urls``).

Each view parses its input, calls one service or selector, and renders (STYLE rule 3).
Objects come through the permission-checked selectors, so an object the user may not see
raises ``NotFoundError`` (404) and a visible one they may not change raises
``PermissionDeniedError`` (403) from the service; ``tandem.core.web.DomainErrorMiddleware``
turns both into pages (or, for HTMX, into an alert). Writes accept POST only.

Small edits on the account page happen in place: an HTMX request gets the partial that
changed (plus out-of-band swaps of the parts that depend on it); the same URL without
HTMX renders a whole page or redirects, so every action also works without JavaScript.
"""

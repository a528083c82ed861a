"""Standard Webhooks secrets and signatures.

A secret is ``whsec_`` followed by the base64 of 32 random bytes; the signature of a
message is ``v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">``
keyed with the decoded bytes. While a secret is being rotated the previous one signs
too, and the header carries both signatures separated by a space, so a receiver still
holding the old secret keeps verifying until it switches.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
SECRET_BYTES = 32


def secret_generate() -> str:
    """A fresh ``whsec_…`` secret (32 random bytes)."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` signature of ``<id>.<timestamp>.<body>``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_header(
    *, secret: str, message_id: str, timestamp: int, body: bytes,
    previous_secret: str = "", previous_secret_expires_at: dt.datetime | None = None, now: dt.datetime,
) -> str:
    """The ``webhook-signature`` header: the current secret's signature, then the
    previous secret's while it has not expired."""
    values = [signature(secret=secret, message_id=message_id, timestamp=timestamp, body=body)]
    if previous_secret and previous_secret_expires_at is not None and now < previous_secret_expires_at:
        values.append(signature(secret=previous_secret, message_id=message_id, timestamp=timestamp, body=body))
    return " ".join(values)

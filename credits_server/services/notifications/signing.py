"""The webhook signature, in Stripe's scheme: header `Credits-Signature: t=<unix seconds>,v1=<hex
HMAC-SHA256 of "<t>.<body>" with the target's secret>`. A receiver recomputes it and compares
in constant time, and refuses a timestamp far from its clock (replays)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

HEADER = "Credits-Signature"
ID_HEADER = "Credits-Message-Id"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"

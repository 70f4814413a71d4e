"""Stripe's wire format for the test double (tests/support/stripe_double.py): its documented
test cards, form-encoded bodies, error bodies, and the webhook signature scheme."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import JSONResponse

WEBHOOK_SECRET = "whsec_double_0123456789"

# Stripe's test cards (docs.stripe.com/testing): what each does, and the error it gives.
TEST_CARDS: dict[str, str] = {
    "4242424242424242": "succeed",
    "4000000000000002": "decline:card_declined:generic_decline",
    "4000000000009995": "decline:card_declined:insufficient_funds",
    "4000000000000069": "decline:expired_card:expired_card",
    "4000000000000127": "decline:incorrect_cvc:incorrect_cvc",
    "4000002500003155": "auth_unless_set_up",
    "4000002760003184": "auth_always",
    "4000000000000341": "attach_then_decline",
}


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def brand(number: str) -> str:
    if number.startswith(("34", "37")):
        return "amex"
    if number.startswith("4"):
        return "visa"
    if number[:2] in {"51", "52", "53", "54", "55"} or number.startswith("2"):
        return "mastercard"
    return "unknown"


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def parse_form(body: bytes) -> dict[str, Any]:
    """Stripe's form encoding (`a[b]=1`, `a[0]=x`) into nested dicts (lists stay dicts)."""
    out: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return out


def card_error(code: str, decline_code: str | None, message: str, **objects: Any) -> JSONResponse:
    error = {"type": "card_error", "code": code, "message": message, **objects}
    if decline_code is not None:
        error["decline_code"] = decline_code
    return JSONResponse({"error": error}, status_code=402)


def invalid(message: str, param: str = "") -> JSONResponse:
    error = {"type": "invalid_request_error", "code": "resource_missing", "message": message}
    return JSONResponse({"error": {**error, "param": param}}, status_code=404)


def card_error_param(code: str, param: str) -> JSONResponse:
    message = {"incorrect_number": "Your card number is incorrect."}.get(code, "Invalid card.")
    return JSONResponse(
        {"error": {"type": "card_error", "code": code, "param": param, "message": message}},
        status_code=402,
    )


def signature(payload: str, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """Stripe's `Stripe-Signature` header: `t=<unix time>,v1=<HMAC-SHA256 of "t.payload">`."""
    timestamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"

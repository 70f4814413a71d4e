"""The sandbox's tokenization endpoint, where the app sends a typed card (as it does to Stripe's
`POST /v1/payment_methods`): form-encoded `card[...]` fields in, a PaymentMethod-shaped object
out, or a Stripe-shaped `card_error`. The card number and CVC are checked and dropped here; only
the token, brand, last 4 and expiry are kept (`tables.SandboxCard`). The request log never shows a
body, so the card is not logged either."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import JSONResponse

from credits_server.cards import check_card
from credits_server.errors import Invalid
from credits_server.gateway.base import SavedCard

# Our field names (credits_core's checks) as Stripe's `param` and error code name them.
_STRIPE_ERRORS = {
    "number": ("card[number]", "incorrect_number"),
    "exp_month": ("card[exp_month]", "invalid_expiry_month"),
    "exp_year": ("card[exp_year]", "invalid_expiry_year"),
    "cvc": ("card[cvc]", "invalid_cvc"),
}


def _int(text: str) -> int:
    return int(text) if text.strip().isdigit() else 0


async def tokenize_card(request: Request) -> JSONResponse:
    from credits_server.gateway.sandbox.gateway import SandboxGateway

    form = {key: values[-1] for key, values in parse_qs((await request.body()).decode()).items()}
    try:
        card = check_card(
            form.get("card[number]", ""),
            _int(form.get("card[exp_month]", "")),
            _int(form.get("card[exp_year]", "")),
            form.get("card[cvc]", ""),
            form.get("billing_details[name]", ""),
        )
    except Invalid as error:
        problem = error.errors[0] if error.errors else None
        param, code = _STRIPE_ERRORS.get(
            problem.field if problem else "number", _STRIPE_ERRORS["number"]
        )
        message = problem.message if problem else error.detail
        body = {"type": "card_error", "code": code, "param": param, "message": message}
        return JSONResponse({"error": body}, status_code=402)
    gateway = request.app.state.context.gateway
    assert isinstance(gateway, SandboxGateway)
    return JSONResponse(payment_method_object(await gateway.tokenize(card)))


def payment_method_object(card: SavedCard) -> dict[str, object]:
    """A PaymentMethod as Stripe shapes it (the fields the app reads)."""
    return {
        "id": card.token,
        "object": "payment_method",
        "type": "card",
        "billing_details": {"name": card.name or None},
        "card": {
            "brand": card.brand,
            "last4": card.last4,
            "exp_month": card.exp_month,
            "exp_year": card.exp_year,
        },
        "customer": None,
        "livemode": False,
    }

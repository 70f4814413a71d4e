"""Handing a typed card to the payment gateway, as the processors' own mobile SDKs do: the card
goes to the gateway's tokenization endpoint (Stripe's `POST /v1/payment_methods`, form-encoded,
with the publishable key), and only the payment-method id that comes back goes to credits-server.

A relative tokenization URL (the offline sandbox's) is on the credits server itself and is
reached over the same connection; an absolute one (Stripe's) over a connection of its own, which
never carries the session token.
"""

from __future__ import annotations

from typing import Any

import httpx

from credits_client.api.errors import ApiError, ServerUnreachable
from credits_client.api.models import CardInput, FieldError, PaymentConfig, Problem
from credits_client.api.transport import scrubbed

# Stripe's `param` for a card field, as the app's card form names it.
_FIELDS = {
    "card[number]": "number",
    "card[exp_month]": "exp_month",
    "card[exp_year]": "exp_year",
    "card[cvc]": "cvc",
}


def card_form(card: CardInput) -> dict[str, str]:
    return {
        "type": "card",
        "card[number]": card.number.get_secret_value(),
        "card[exp_month]": str(card.exp_month),
        "card[exp_year]": str(card.exp_year),
        "card[cvc]": card.cvc.get_secret_value(),
        "billing_details[name]": card.name,
    }


async def tokenize(
    server: httpx.AsyncClient, gateway: httpx.AsyncClient, config: PaymentConfig, card: CardInput
) -> str:
    """The gateway's payment-method id for this card; ApiError (402, the gateway's code and
    words) when the gateway refuses it, ServerUnreachable when it does not answer."""
    http = gateway if config.tokenization_url.startswith(("http://", "https://")) else server
    try:
        response = await http.post(
            config.tokenization_url,
            data=card_form(card),
            headers={"Authorization": f"Bearer {config.publishable_key}"},
        )
    except httpx.TransportError:
        raise ServerUnreachable("The payment gateway cannot be reached.") from None
    body: Any = None
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.is_success and isinstance(body, dict) and isinstance(body.get("id"), str):
        return str(body["id"])
    raise ApiError(_problem(response.status_code, body))


def _problem(status: int, body: Any) -> Problem:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return Problem(status=status, code="gateway_error", detail="The card could not be sent.")
    code = str(error.get("code") or error.get("type") or "card_error")
    message = str(error.get("message") or "The card was refused.")
    field = _FIELDS.get(str(error.get("param") or ""))
    errors = [FieldError(field=field, code=code, message=message)] if field else []
    # Scrubbed as the server's problems are: a gateway may echo what it was sent.
    return scrubbed(Problem(status=status, code=code, detail=message, errors=errors))

"""Cards as the app hands them to the gateway: tokenized at the sandbox's tokenization endpoint
(Stripe's `POST /v1/payment_methods` shape), so that credits-server only ever gets the token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import httpx

from credits_server.gateway.sandbox.gateway import TOKENIZATION_PATH


class HasUrl(Protocol):
    @property
    def url(self) -> str: ...


def card_form(card: Mapping[str, object]) -> dict[str, str]:
    return {
        "type": "card",
        "card[number]": str(card.get("number", "")),
        "card[exp_month]": str(card.get("exp_month", "")),
        "card[exp_year]": str(card.get("exp_year", "")),
        "card[cvc]": str(card.get("cvc", "")),
        "billing_details[name]": str(card.get("name", "")),
    }


async def tokenize(
    client: httpx.AsyncClient, card: Mapping[str, object], url: str = TOKENIZATION_PATH
) -> httpx.Response:
    """The gateway's answer for this card (a PaymentMethod, or a 402 `card_error`)."""
    return await client.post(url, data=card_form(card), headers={"Authorization": "Bearer pk"})


async def card_token(client: httpx.AsyncClient, card: Mapping[str, object]) -> str:
    response = await tokenize(client, card)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


async def through_gateway(
    client: httpx.AsyncClient, body: Mapping[str, object]
) -> dict[str, object]:
    """A top-up or card body with its typed `card` swapped for the gateway's token, as the app
    sends it; a body without a card unchanged."""
    sent = dict(body)
    card = sent.pop("card", None)
    if isinstance(card, Mapping):
        sent["card_token"] = await card_token(client, card)
    return sent


async def save_card(client: httpx.AsyncClient, card: Mapping[str, object]) -> httpx.Response:
    """POST /v1/payment-methods as the app does: tokenized first, then the token saved."""
    token = await card_token(client, card)
    return await client.post(
        "/v1/payment-methods", json={"card_token": token, "name": str(card.get("name", ""))}
    )


def card_token_sync(client: httpx.Client, card: Mapping[str, object]) -> str:
    """`card_token` for tests that speak to the server synchronously."""
    response = client.post(
        TOKENIZATION_PATH, data=card_form(card), headers={"Authorization": "Bearer pk"}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def sandbox_token(server: HasUrl, number: str) -> str:
    """The sandbox's token for a test card (December, three years on, CVC 123)."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        return card_token_sync(
            client, {"number": number, "exp_month": 12, "exp_year": 2040, "cvc": "123"}
        )

"""A card number, CVC, password or token never reaches an exception message, a log or a repr."""

from __future__ import annotations

import logging

import httpx
import pytest

from credits_client.api.client import CreditsClient
from credits_client.api.errors import ApiError, ServerUnreachable
from credits_client.api.models import CardInput
from credits_client.api.transport import RetryPolicy

NUMBER = "4242424242424242"
CVC = "987"
PASSWORD = "correct horse battery"
TOKEN = "tok_abcdefghijklmnopqrstuvwxyz"
FAST = RetryPolicy(attempts=2, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0)


def card() -> CardInput:
    return CardInput.model_validate(
        {"number": NUMBER, "exp_month": 12, "exp_year": 2030, "cvc": CVC, "name": "A Person"}
    )


def assert_clean(text: str) -> None:
    for secret in (NUMBER, CVC, PASSWORD, TOKEN, "4242 4242 4242 4242"):
        assert secret not in text


async def test_an_echoed_card_number_is_redacted_from_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)

    def echo(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/payment-config":
            config = {"gateway": "sandbox", "publishable_key": "pk", "tokenization_url": "/tok"}
            return httpx.Response(200, json=config)
        if request.url.path == "/tok":  # the gateway echoes the card in its words
            error = {"type": "card_error", "code": "incorrect_number", "param": "card[number]"}
            error["message"] = f"card 4242 4242 4242 4242 ({NUMBER}) is wrong"
            return httpx.Response(402, json={"error": error})
        problem = {
            "status": 422,
            "title": "Invalid card",
            "code": "validation_error",
            "detail": f"card 4242 4242 4242 4242 ({NUMBER}) failed",
            "errors": [{"field": "number", "code": "luhn", "message": f"{NUMBER} is wrong"}],
        }
        return httpx.Response(
            422, json=problem, headers={"Content-Type": "application/problem+json"}
        )

    client = CreditsClient("http://credits.test", transport=httpx.MockTransport(echo), retry=FAST)
    client.set_token(TOKEN)
    with pytest.raises(ApiError) as caught:
        await client.tokenize_card(card())
    await client.aclose()
    error = caught.value
    assert error.code == "incorrect_number"
    assert "number" in error.field_errors
    for text in (str(error), repr(error), error.message, *error.field_errors.values(), caplog.text):
        assert_clean(text)


async def test_a_timeout_while_paying_leaks_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client = CreditsClient("http://credits.test", transport=httpx.MockTransport(hang), retry=FAST)
    client.set_token(TOKEN)
    with pytest.raises(ServerUnreachable) as caught:
        await client.tokenize_card(card())
    with pytest.raises(ServerUnreachable):
        await client.login("owner@example.com", PASSWORD)
    assert_clean(repr(client))
    await client.aclose()
    assert "did not answer in time" in str(caught.value)
    for text in (str(caught.value), repr(caught.value), caplog.text, repr(card())):
        assert_clean(text)

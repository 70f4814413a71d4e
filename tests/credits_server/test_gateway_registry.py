"""Gateways are chosen by name from the registry; each brings its own routes and tables."""

from __future__ import annotations

import pytest

from credits_server.api.app import create_app
from credits_server.gateway.registry import plugin, schema
from credits_server.settings import Settings


def test_an_unknown_gateway_is_refused_when_the_app_is_built() -> None:
    with pytest.raises(ValueError, match="unknown payment gateway 'nope'"):
        create_app(Settings(gateway="nope"))


def test_the_sandbox_brings_its_3ds_page_and_its_tables() -> None:
    assert "/sandbox/authenticate/{topup_id}" in create_app(Settings()).openapi()["paths"]
    assert plugin("sandbox").routes is not None
    assert {"sandbox_cards", "sandbox_charges"} <= set(schema().tables)


def test_stripe_brings_its_pages_and_tables_and_needs_its_keys() -> None:
    from credits_server.context import make_context

    paths = create_app(Settings(gateway="stripe")).openapi()["paths"]
    assert {"/stripe/authenticate/{topup_id}", "/v1/webhooks/stripe"} <= set(paths)
    assert {"stripe_customers", "stripe_payments", "gateway_events"} <= set(schema().tables)
    with pytest.raises(ValueError, match="needs stripe_secret_key and stripe_publishable_key"):
        make_context(Settings(gateway="stripe"))
    keys = Settings(gateway="stripe", stripe_secret_key="sk_test_1", stripe_publishable_key="pk_1")
    assert make_context(keys).gateway.public_config().tokenization_url == (
        "https://api.stripe.com/v1/payment_methods"
    )

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

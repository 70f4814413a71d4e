"""The Stripe gateway (the official `stripe` SDK): PaymentIntents, SetupIntents and Customers,
its tables, the 3-D Secure pages it serves on the credits server, and its webhook events read
as the service's gateway events (`webhooks.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from credits_server.db import Database
from credits_server.gateway.base import GatewayPlugin
from credits_server.gateway.stripe import tables  # noqa: F401 - its tables join the metadata
from credits_server.settings import Settings

if TYPE_CHECKING:
    from fastapi import APIRouter

    from credits_server.gateway.base import ServerHooks
    from credits_server.gateway.stripe.gateway import StripeGateway


def _make(settings: Settings, db: Database) -> StripeGateway:
    # The SDK is imported only by a server that uses Stripe (it takes a while to load).
    from credits_server.gateway.stripe.gateway import StripeGateway

    return StripeGateway(settings, db)


def _routes(hooks: ServerHooks) -> APIRouter:
    from credits_server.gateway.stripe.routes import make_router

    return make_router(hooks)


PLUGIN = GatewayPlugin(make=_make, routes=_routes)

__all__ = ["PLUGIN"]

"""The offline sandbox gateway: Stripe's test cards, its own tables, and the pages it serves on
the credits server: the stand-in for the bank's 3-D Secure page, and the secure payment page of
a payment link (it plays the card processor: a card typed there is tokenized there)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from credits_server.db import Database
from credits_server.gateway.base import GatewayPlugin
from credits_server.gateway.sandbox.gateway import PAY_PATH, TOKENIZATION_PATH, SandboxGateway
from credits_server.settings import Settings

if TYPE_CHECKING:
    from fastapi import APIRouter

    from credits_server.gateway.base import ServerHooks


def _make(settings: Settings, db: Database) -> SandboxGateway:
    return SandboxGateway(
        db,
        charge_delay_ms=settings.sandbox_charge_delay_ms,
        answer_delay_ms=settings.sandbox_answer_delay_ms,
        authentication_seconds=settings.sandbox_authentication_seconds,
    )


def _routes(hooks: ServerHooks) -> APIRouter:
    from credits_server.gateway.sandbox.page import make_page_router
    from credits_server.gateway.sandbox.routes import make_router

    router = make_router(hooks.finish_authentication)
    router.include_router(make_page_router(hooks.payment_pages))
    return router


PLUGIN = GatewayPlugin(
    make=_make, routes=_routes, card_path=TOKENIZATION_PATH, card_path_prefix=PAY_PATH + "/"
)

__all__ = ["PLUGIN", "SandboxGateway"]

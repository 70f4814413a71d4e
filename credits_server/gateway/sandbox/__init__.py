"""The offline sandbox gateway: Stripe's test cards, its own tables, and the stand-in for the
bank's 3-D Secure page that it serves on the credits server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from credits_server.db import Database
from credits_server.gateway.base import GatewayPlugin
from credits_server.gateway.sandbox.gateway import TOKENIZATION_PATH, SandboxGateway
from credits_server.settings import Settings

if TYPE_CHECKING:
    from fastapi import APIRouter

    from credits_server.gateway.base import FinishAuthentication


def _make(settings: Settings, db: Database) -> SandboxGateway:
    return SandboxGateway(
        db,
        charge_delay_ms=settings.sandbox_charge_delay_ms,
        answer_delay_ms=settings.sandbox_answer_delay_ms,
    )


def _routes(finish: FinishAuthentication) -> APIRouter:
    from credits_server.gateway.sandbox.routes import make_router

    return make_router(finish)


PLUGIN = GatewayPlugin(make=_make, routes=_routes, card_path=TOKENIZATION_PATH)

__all__ = ["PLUGIN", "SandboxGateway"]

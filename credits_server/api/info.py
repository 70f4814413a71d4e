"""Health and identity: GET /v1/live (the process answers), GET /v1/ready (it can serve: the
database answers and its schema is at the migrations' head), GET /v1/server-info (the version,
and the demo credentials on a demo server only), GET /v1/payment-config (where the app tokenizes
a card: the gateway's public configuration)."""

from __future__ import annotations

from fastapi import APIRouter

from credits_server import __version__
from credits_server.api.deps import ContextDep
from credits_server.api.openapi import PROBLEM_REF
from credits_server.schemas import (
    DemoCredentials,
    Liveness,
    PaymentConfigOut,
    Readiness,
    ServerInfo,
)
from credits_server.services.demo import DEMO_EMAIL, DEMO_PASSWORD
from credits_server.services.health import ready_revision

router = APIRouter(tags=["server"])

_NOT_READY = {
    "description": "`database_unavailable` or `schema_not_current`: not ready to serve",
    "content": {"application/problem+json": {"schema": PROBLEM_REF}},
}


@router.get("/v1/server-info", response_model=ServerInfo)
async def server_info(ctx: ContextDep) -> ServerInfo:
    demo = DemoCredentials(email=DEMO_EMAIL, password=DEMO_PASSWORD) if ctx.settings.demo else None
    return ServerInfo(version=__version__, demo=demo)


@router.get("/v1/live", response_model=Liveness)
async def live() -> Liveness:
    """Liveness: answers as long as the process serves requests; reads nothing."""
    return Liveness()


@router.get("/v1/ready", response_model=Readiness, responses={503: _NOT_READY})
async def ready(ctx: ContextDep) -> Readiness:
    return Readiness(schema_revision=await ready_revision(ctx))


@router.get("/v1/payment-config", response_model=PaymentConfigOut)
async def payment_config(ctx: ContextDep) -> PaymentConfigOut:
    config = ctx.gateway.public_config()
    return PaymentConfigOut(
        gateway=config.gateway,
        publishable_key=config.publishable_key,
        tokenization_url=config.tokenization_url,
        payment_page=ctx.settings.payment_page,
    )

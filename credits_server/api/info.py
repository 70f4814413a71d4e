"""GET /v1/server-info: the version, and the demo credentials on a demo server only."""

from __future__ import annotations

from fastapi import APIRouter

from credits_server import __version__
from credits_server.api.deps import ContextDep
from credits_server.schemas import DemoCredentials, ServerInfo
from credits_server.services.demo import DEMO_EMAIL, DEMO_PASSWORD

router = APIRouter(tags=["server"])


@router.get("/v1/server-info", response_model=ServerInfo)
async def server_info(ctx: ContextDep) -> ServerInfo:
    demo = DemoCredentials(email=DEMO_EMAIL, password=DEMO_PASSWORD) if ctx.settings.demo else None
    return ServerInfo(version=__version__, demo=demo)

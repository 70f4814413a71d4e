"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from server import __version__
from server.api import account, info, problems, sessions
from server.context import make_context
from server.logging import RequestLogMiddleware, configure_logging
from server.settings import Settings

ROUTERS = [info.router, sessions.router, account.router]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        context = make_context(settings)
        app.state.context = context
        try:
            yield
        finally:
            await context.db.dispose()

    app = FastAPI(
        title="credits-server",
        version=__version__,
        summary="Calling credits: balance, ledger, top-ups and auto-recharge.",
        lifespan=lifespan,
    )
    problems.install_problem_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(RequestLogMiddleware, enabled=settings.log_requests)
    return app

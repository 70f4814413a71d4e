"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from credits_server import __version__
from credits_server.api import (
    account,
    activity,
    auto_recharge,
    events,
    export,
    info,
    notifications,
    payment_links,
    payment_methods,
    problems,
    receipts,
    sessions,
    ssh_keys,
    support,
    team,
    topups,
    usage,
    webhooks,
)
from credits_server.api.body_limit import BodyLimitMiddleware
from credits_server.api.card_guard import CardGuardMiddleware
from credits_server.api.database_errors import install_database_error_handler
from credits_server.api.document import install_document
from credits_server.api.method_not_allowed import install_method_not_allowed
from credits_server.api.usage_path import UsagePath, serves
from credits_server.context import make_context
from credits_server.gateway.base import ServerHooks
from credits_server.gateway.registry import plugin
from credits_server.logging import RequestLogMiddleware, configure_logging
from credits_server.services.leases import new_worker_id
from credits_server.services.notifications import worker as notify_worker
from credits_server.services.recharge_worker import run_worker
from credits_server.services.reconcile import run_reconciler
from credits_server.services.topups import resume_stale_topups
from credits_server.settings import Settings

ROUTERS = [
    # First: the busiest path by far (the telephony platform's metering), matched before the
    # others are tried. No two routers share a path, so the order changes nothing else.
    usage.router,
    info.router,
    sessions.router,
    account.router,
    payment_methods.router,
    topups.router,
    payment_links.router,
    auto_recharge.router,
    support.router,
    events.router,
    webhooks.router,
    ssh_keys.router,
    notifications.router,
    receipts.router,
    export.router,
    team.router,
    activity.router,
]


class CreditsApp(FastAPI):
    """The FastAPI app, with POST /v1/usage answered in front of its stack (usage_path)."""

    usage_path: UsagePath

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if serves(scope):
            await self.usage_path(self.state.context, scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    gateway = plugin(settings.gateway)
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        context = make_context(settings)
        app.state.context = context
        # Top-ups a previous process left in flight are finished with the same gateway key
        # (a charge is made at most once per key, so racing another process is harmless).
        resuming = asyncio.create_task(resume_stale_topups(context))
        # Runs recharge intents; also takes over those a dead process held (their lease expires).
        recharging = asyncio.create_task(run_worker(context, new_worker_id()))
        # Settles payments left unsettled for minutes from the gateway's answer (one process
        # at a time, by a lease).
        reconciling = asyncio.create_task(run_reconciler(context, new_worker_id()))
        # Delivers the notification outbox (leased per target, as recharges are per intent).
        notifying = asyncio.create_task(notify_worker.run_worker(context, new_worker_id()))
        # What start-up made (modules, the app, ~120k objects) lives as long as the process: the
        # cyclic collector's full collections need not walk it again (each cost ~10 ms).
        gc.freeze()
        try:
            yield
        finally:
            for task in (resuming, recharging, reconciling, notifying):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await context.db.dispose()

    app = CreditsApp(
        title="credits-server",
        version=__version__,
        summary="Calling credits: balance, ledger, top-ups and auto-recharge.",
        lifespan=lifespan,
    )
    problems.install_problem_handlers(app)
    install_database_error_handler(app)
    install_method_not_allowed(app)
    for router in ROUTERS:
        app.include_router(router)
    if gateway.routes is not None:  # a gateway's own pages, such as the sandbox's 3-D Secure
        hooks = ServerHooks(topups.finish_authentication, payment_links.PAYMENT_PAGES)
        app.include_router(gateway.routes(hooks))
    install_document(app, settings)
    app.add_middleware(
        CardGuardMiddleware,
        allowed_path=gateway.card_path,
        allowed_prefix=gateway.card_path_prefix,
    )
    # Inside the request log, so a refused body still gets its request id and log line.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestLogMiddleware, enabled=settings.log_requests)
    app.usage_path = UsagePath(
        max_bytes=settings.max_body_bytes, log_requests=settings.log_requests
    )
    return app

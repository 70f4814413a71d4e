"""GET /v1/events: the caller's account events as Server-Sent Events, read from the database.

Each stream polls the events table, so an event written by any server process sharing the
database reaches every client of that account. `Last-Event-ID` resumes after that event; without
it the stream starts with what happens next. The stream ends by itself when the server shuts down
(`stop_streams`, called by `credits-server serve`), so a graceful shutdown never waits on it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, FastAPI, Header, Request
from fastapi.responses import StreamingResponse

from credits_server.api.deps import ContextDep, ReaderDep
from credits_server.context import Context
from credits_server.services import events

router = APIRouter(tags=["events"])
RETRY_MS = 2000


def _stopping(app: FastAPI) -> asyncio.Event:
    stopping: asyncio.Event | None = getattr(app.state, "event_streams_stopping", None)
    if stopping is None:
        stopping = asyncio.Event()
        app.state.event_streams_stopping = stopping
    return stopping


def stop_streams(app: FastAPI) -> None:
    """End every open event stream of this app (clients reconnect with Last-Event-ID)."""
    _stopping(app).set()


def _resume_point(header: str | None) -> int | None:
    if header is None or not header.strip().isdigit():
        return None
    return int(header.strip())


async def _stream(
    ctx: Context, account_id: str, after: int, stopping: asyncio.Event
) -> AsyncIterator[str]:
    settings = ctx.settings
    loop = asyncio.get_running_loop()
    yield f"retry: {RETRY_MS}\n: connected\n\n"
    quiet_since = loop.time()
    while not stopping.is_set():
        batch = await events.events_after(ctx, account_id, after)
        for event in batch:
            yield events.as_sse(event)
            after = event.seq
        if batch:
            quiet_since = loop.time()
            continue
        if loop.time() - quiet_since >= settings.events_keepalive_seconds:
            yield ": keep-alive\n\n"
            quiet_since = loop.time()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), settings.events_poll_seconds)


@router.get(
    "/v1/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Account events"}},
)
async def stream_events(
    ctx: ContextDep,
    caller: ReaderDep,
    request: Request,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=20)] = None,
) -> StreamingResponse:
    after = _resume_point(last_event_id)
    if after is None:
        after = await events.latest_seq(ctx, caller.account_id)
    stopping = _stopping(request.app)
    return StreamingResponse(
        _stream(ctx, caller.account_id, after, stopping),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )

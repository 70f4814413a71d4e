"""Leased jobs: rows that any number of server processes work through, each row held by one
worker at a time (recharge intents, notification targets).

A row is claimed with a conditional UPDATE of its `claimed_by`/`claimed_at` (free, or its
holder's lease ran out), so exactly one worker holds it; the holder renews the lease while slow
work runs and releases it when done or waiting. A worker id names its host and process, so at
start-up a process frees at once what a dead process of its host held instead of waiting for the
lease to run out. A worker runs each claimed row in a task of its own, so one slow row holds up
no other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, update

from credits_server.context import Context
from credits_server.logging import LOGGER_NAME
from credits_server.settings import Settings

_log = logging.getLogger(LOGGER_NAME)
MAX_RUNNING = 16  # rows one process works on at once
Clock = Callable[[], datetime]


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def process_gone(claimed_by: str) -> bool:
    """A claim made on this host by a process that no longer exists (killed, crashed)."""
    host, _, rest = claimed_by.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid_text.isdigit():
        return False  # another host's worker: its lease decides
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, someone else's
    return False


@dataclass(frozen=True)
class LeasedJobs:
    """How one table's rows are leased: `model` has `id`, `claimed_by` and `claimed_at`
    columns; only rows matching `only` may be claimed; failures are logged as `{name}_error`
    with the row's id as `id_field`."""

    model: Any
    lease_seconds: Callable[[Settings], float]
    name: str
    id_field: str
    only: Sequence[ColumnElement[bool]] = ()

    def claimable(self, settings: Settings, now: datetime) -> ColumnElement[bool]:
        stale = now - timedelta(seconds=self.lease_seconds(settings))
        return or_(self.model.claimed_by.is_(None), self.model.claimed_at < stale)

    async def claim_due(
        self, ctx: Context, due: Select[Any], worker_id: str, running: set[str], now: datetime
    ) -> list[str]:
        """Claim, up to the room left, the rows `due` selects (their ids, most urgent first)
        that are free or whose holder's lease ran out."""
        room = MAX_RUNNING - len(running)
        if room <= 0:
            return []
        query = due.where(self.claimable(ctx.settings, now)).limit(room + len(running))
        async with ctx.db.read() as session:
            ids = [str(row_id) for row_id in (await session.execute(query)).scalars()]
        claimed: list[str] = []
        for row_id in ids:
            if row_id in running or len(claimed) >= room:
                continue
            if await self.claim(ctx, row_id, worker_id, now):
                claimed.append(row_id)
        return claimed

    async def claim(self, ctx: Context, row_id: str, worker_id: str, now: datetime) -> bool:
        """Take the row if nobody holds a live lease on it (the UPDATE's WHERE decides)."""
        async with ctx.db.write() as session:
            result = await session.execute(
                update(self.model)
                .where(self.model.id == row_id, *self.only, self.claimable(ctx.settings, now))
                .values(claimed_by=worker_id, claimed_at=now)
                .execution_options(synchronize_session=False)
            )
            return bool(getattr(result, "rowcount", 0) == 1)

    async def release(self, ctx: Context, row_id: str, worker_id: str, **values: object) -> None:
        """Give the row back (if this worker still holds it), writing `values` with it."""
        async with ctx.db.write() as session:
            await session.execute(
                update(self.model)
                .where(self.model.id == row_id, self.model.claimed_by == worker_id)
                .values(claimed_by=None, claimed_at=None, **values)
                .execution_options(synchronize_session=False)
            )

    @contextlib.asynccontextmanager
    async def kept(
        self, ctx: Context, row_id: str, worker_id: str, clock: Clock
    ) -> AsyncIterator[None]:
        """Renew the lease while slow work runs, so no other worker takes the row over."""

        async def renew() -> None:
            while True:
                await asyncio.sleep(self.lease_seconds(ctx.settings) / 3)
                async with ctx.db.write() as session:
                    await session.execute(
                        update(self.model)
                        .where(self.model.id == row_id, self.model.claimed_by == worker_id)
                        .values(claimed_at=clock())
                        .execution_options(synchronize_session=False)
                    )

        renewing = asyncio.create_task(renew())
        try:
            yield
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def release_orphans(self, ctx: Context) -> int:
        """Free the rows a dead process of this host held, without waiting for their lease to
        run out. Returns how many."""
        async with ctx.db.read() as session:
            claims = list(
                (
                    await session.execute(
                        select(self.model.id, self.model.claimed_by).where(
                            *self.only, self.model.claimed_by.is_not(None)
                        )
                    )
                ).all()
            )
        released = 0
        for row_id, claimed_by in claims:
            if claimed_by is not None and process_gone(claimed_by):
                await self.release(ctx, row_id, claimed_by)
                released += 1
        return released

    async def serve(
        self,
        ctx: Context,
        claim_due: Callable[[set[str]], Awaitable[list[str]]],
        run: Callable[[str], Awaitable[None]],
        poll_seconds: float,
        *,
        wake: asyncio.Event | None = None,
        between: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Forever: free the orphans, then claim due rows and run each in a task of its own;
        wake on `wake`, a finished run, or every `poll_seconds`. `between` runs after each claim
        (housekeeping); a failure is logged and the loop goes on (a claimed row's lease lets it
        be retried later)."""
        wake = wake or asyncio.Event()
        running: dict[str, asyncio.Task[None]] = {}
        try:
            await self.release_orphans(ctx)
        except Exception:
            _log.exception(f"{self.name}_error")
        try:
            while True:
                wake.clear()
                for row_id in [key for key, task in running.items() if task.done()]:
                    del running[row_id]
                try:
                    for row_id in await claim_due(set(running)):
                        running[row_id] = asyncio.create_task(self._run_logged(run, row_id))
                    if between is not None:
                        await between()
                except Exception:
                    _log.exception(f"{self.name}_error")
                woken = asyncio.create_task(wake.wait())
                try:
                    await asyncio.wait(
                        [woken, *running.values()],
                        timeout=poll_seconds,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                finally:
                    woken.cancel()
        finally:
            for task in running.values():
                task.cancel()
            await asyncio.gather(*running.values(), return_exceptions=True)

    async def _run_logged(self, run: Callable[[str], Awaitable[None]], row_id: str) -> None:
        try:
            await run(row_id)
        except Exception:
            _log.exception(f"{self.name}_error", extra={"fields": {self.id_field: row_id}})

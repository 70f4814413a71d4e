"""Throttling of guessed secrets (a password at sign-in, an invitation code): failures are
counted per (who, client address) and per client address, never per "who" alone, so whoever
guesses slows down their own tries, not the person they aim at. Once a limit is reached each try
waits `login_delay_seconds` after the latest failure, doubled for each failure past it, at most
`login_window_seconds`; then the answer is RateLimited (429 with Retry-After).

Failures are rows of `login_failures`, keyed (in its `email` column) by the guess's scope, so a
mistyped password does not count against an invitation code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from credits_server.context import Context
from credits_server.errors import RateLimited
from credits_server.models import LoginFailure
from credits_server.settings import Settings

_KEY_LENGTH = 320  # the column's


@dataclass(frozen=True, slots=True)
class Keys:
    pair: str
    """This "who" (an email) from this client address."""
    origin: str
    """This client address, whatever the "who"."""

    @property
    def both(self) -> list[str]:
        return [self.pair, self.origin]


def keys(scope: str, who: str, client: str) -> Keys:
    """Sign-in's scope is "" (its keys are `email\\nclient` and `\\nclient`)."""
    client = client[:64]
    room = _KEY_LENGTH - len(scope) - len(client) - 1
    return Keys(f"{scope}{who[:room]}\n{client}", f"{scope}\n{client}")


def _wait(failures: list[datetime], limit: int, settings: Settings, now: datetime) -> int:
    if len(failures) < limit:
        return 0
    delay = settings.login_delay_seconds * 2 ** min(len(failures) - limit, 20)
    delay = min(delay, settings.login_window_seconds)
    return max(0, math.ceil((failures[-1] + timedelta(seconds=delay) - now).total_seconds()))


async def check(ctx: Context, found: Keys, now: datetime, tries: str) -> None:
    """RateLimited ("Too many `tries`. Try again in N seconds.") while these keys must wait."""
    settings = ctx.settings
    window = timedelta(seconds=settings.login_window_seconds)
    failures: dict[str, list[datetime]] = {found.pair: [], found.origin: []}
    async with ctx.db.read() as session:
        rows = await session.execute(
            select(LoginFailure.email, LoginFailure.at)
            .where(LoginFailure.email.in_(found.both), LoginFailure.at > now - window)
            .order_by(LoginFailure.at)
        )
        for key, at in rows:
            failures[key].append(at)
    retry_after = max(
        _wait(failures[found.pair], settings.login_max_failures, settings, now),
        _wait(failures[found.origin], settings.login_max_failures_per_address, settings, now),
    )
    if retry_after:
        raise RateLimited(
            "too_many_attempts",
            f"Too many {tries}. Try again in {retry_after} seconds.",
            retry_after=retry_after,
        )


async def failed(ctx: Context, found: Keys, now: datetime) -> None:
    """Count a failure (and forget these keys' failures older than the window)."""
    window = timedelta(seconds=ctx.settings.login_window_seconds)
    async with ctx.db.write() as session:
        await session.execute(
            delete(LoginFailure).where(
                LoginFailure.email.in_(found.both), LoginFailure.at <= now - window
            )
        )
        session.add_all(
            [LoginFailure(email=found.pair, at=now), LoginFailure(email=found.origin, at=now)]
        )


async def succeeded(ctx: Context, found: Keys) -> None:
    """The pair's failures are forgotten; the address's still count."""
    async with ctx.db.write() as session:
        await session.execute(delete(LoginFailure).where(LoginFailure.email == found.pair))

"""Sign-in, sessions and login throttling."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio
from sqlalchemy import delete, select, update

from credits_server.context import Caller, Context
from credits_server.errors import BadCredentials, RateLimited, Unauthenticated
from credits_server.ids import new_id
from credits_server.models import LoginFailure, SessionToken, User, utcnow
from credits_server.security import hash_token, new_token, normalise_email, verify_password
from credits_server.services.accounts import find_user
from credits_server.settings import Settings


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str
    expires_at: datetime
    user: User


def _invalid_credentials() -> BadCredentials:
    return BadCredentials("invalid_credentials", "The email or password is not right.")


def unauthenticated(detail: str = "Sign in to continue.") -> Unauthenticated:
    return Unauthenticated("unauthenticated", detail)


def _disabled() -> Unauthenticated:
    return Unauthenticated(
        "user_disabled", "This user is disabled. Ask the people who run the service."
    )


# A session's `last_used_at` is written when it is older than this: a write a minute at most,
# not one per request.
LAST_USED_GRANULARITY = timedelta(seconds=60)


async def issue_session(
    ctx: Context, user: User, client: str = "", user_agent: str = ""
) -> NewSession:
    token = new_token()
    expires_at = utcnow() + timedelta(seconds=ctx.settings.session_ttl_seconds)
    async with ctx.db.write() as session:
        await session.execute(delete(SessionToken).where(SessionToken.expires_at <= utcnow()))
        session.add(
            SessionToken(
                id=new_id("sess"),
                token_hash=hash_token(token),
                user_id=user.id,
                expires_at=expires_at,
                last_used_at=utcnow(),
                client_address=client[:64],
                user_agent=user_agent[:200],
            )
        )
    return NewSession(token, expires_at, user)


def _throttle_keys(address: str, client: str) -> tuple[str, str]:
    """The two keys failures are counted under (rows of `login_failures`, in its `email` column):
    this email from this client, and this client whatever the email."""
    return f"{address}\n{client}", f"\n{client}"


def _wait(failures: list[datetime], limit: int, settings: Settings, now: datetime) -> int:
    """Seconds until the next try, 0 if allowed now: once `limit` failures are in the window,
    `login_delay_seconds` after the latest, doubled for each failure past the limit, at most
    the window."""
    if len(failures) < limit:
        return 0
    delay = settings.login_delay_seconds * 2 ** min(len(failures) - limit, 20)
    delay = min(delay, settings.login_window_seconds)
    return max(0, math.ceil((failures[-1] + timedelta(seconds=delay) - now).total_seconds()))


async def login(
    ctx: Context, email: str, password: str, client: str, user_agent: str = ""
) -> NewSession:
    """Unknown email and wrong password take the same path: one argon2 verification, one write.

    Failures are throttled per (email, client address) and per client address, never per email
    alone: whoever guesses at an email slows down their own tries, not its owner's."""
    settings = ctx.settings
    address = normalise_email(email)
    pair, origin = _throttle_keys(address, client)
    now = utcnow()
    window = timedelta(seconds=settings.login_window_seconds)
    async with ctx.db.read() as session:
        found: dict[str, list[datetime]] = {pair: [], origin: []}
        rows = await session.execute(
            select(LoginFailure.email, LoginFailure.at)
            .where(LoginFailure.email.in_([pair, origin]), LoginFailure.at > now - window)
            .order_by(LoginFailure.at)
        )
        for key, at in rows:
            found[key].append(at)
        user = await find_user(session, address)
    retry_after = max(
        _wait(found[pair], settings.login_max_failures, settings, now),
        _wait(found[origin], settings.login_max_failures_per_address, settings, now),
    )
    if retry_after:
        raise RateLimited(
            "too_many_attempts",
            f"Too many sign-in attempts. Try again in {retry_after} seconds.",
            retry_after=retry_after,
        )
    password_hash = user.password_hash if user is not None else None
    ok = await anyio.to_thread.run_sync(verify_password, password_hash, password)
    if not ok or user is None:
        async with ctx.db.write() as session:
            await session.execute(
                delete(LoginFailure).where(
                    LoginFailure.email.in_([pair, origin]), LoginFailure.at <= now - window
                )
            )
            session.add_all([LoginFailure(email=pair, at=now), LoginFailure(email=origin, at=now)])
        raise _invalid_credentials()
    async with ctx.db.write() as session:
        await session.execute(delete(LoginFailure).where(LoginFailure.email == pair))
    if user.disabled_at is not None:
        raise _disabled()
    return await issue_session(ctx, user, client, user_agent)


async def authenticate(ctx: Context, token: str, client: str = "", user_agent: str = "") -> Caller:
    """The caller a session token stands for; notes where the session was last used."""
    async with ctx.db.read() as session:
        row = (
            await session.execute(
                select(SessionToken, User)
                .join(User, User.id == SessionToken.user_id)
                .where(SessionToken.token_hash == hash_token(token))
            )
        ).first()
    if row is None:
        raise unauthenticated()
    stored, user = row  # a Row unpacks like a tuple (Row.tuple() is deprecated)
    if stored.expires_at <= utcnow():
        raise unauthenticated("The session has expired. Sign in again.")
    if user.disabled_at is not None:
        raise _disabled()
    now = utcnow()
    if stored.last_used_at is None or now - stored.last_used_at > LAST_USED_GRANULARITY:
        await _note_use(ctx, stored.id, now, client or stored.client_address, user_agent)
    return Caller(
        user_id=user.id,
        email=user.email,
        role=user.role,
        account_id=user.account_id,
        session_id=stored.id,
    )


async def _note_use(ctx: Context, session_id: str, now: datetime, client: str, agent: str) -> None:
    values: dict[str, object] = {"last_used_at": now, "client_address": client[:64]}
    if agent:
        values["user_agent"] = agent[:200]
    async with ctx.db.write() as session:
        await session.execute(
            update(SessionToken).where(SessionToken.id == session_id).values(**values)
        )


async def logout(ctx: Context, token: str) -> None:
    async with ctx.db.write() as session:
        await session.execute(
            delete(SessionToken).where(SessionToken.token_hash == hash_token(token))
        )

"""Sign-in, sessions and login throttling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio
from sqlalchemy import delete, select, update

from credits_server.context import Caller, Context
from credits_server.errors import BadCredentials, Unauthenticated
from credits_server.ids import new_id
from credits_server.models import SessionToken, User, utcnow
from credits_server.security import hash_token, new_token, normalise_email, verify_password
from credits_server.services import throttle
from credits_server.services.accounts import find_user


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


async def login(
    ctx: Context, email: str, password: str, client: str, user_agent: str = ""
) -> NewSession:
    """Unknown email and wrong password take the same path: one argon2 verification, one write.
    Failures are throttled (services/throttle.py) per (email, client address) and per address."""
    address = normalise_email(email)
    keys = throttle.keys("", address, client)
    now = utcnow()
    await throttle.check(ctx, keys, now, "sign-in attempts")
    async with ctx.db.read() as session:
        user = await find_user(session, address)
    password_hash = user.password_hash if user is not None else None
    ok = await anyio.to_thread.run_sync(verify_password, password_hash, password)
    if not ok or user is None:
        await throttle.failed(ctx, keys, now)
        raise _invalid_credentials()
    await throttle.succeeded(ctx, keys)
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

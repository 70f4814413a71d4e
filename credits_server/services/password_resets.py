"""Password reset codes: an operator makes one for a user, the user sets a new password with it.

A code is random, shown once, kept as SHA-256, used at most once and refused after
`CODE_LIFETIME`; redeeming it ends the user's sessions. The email must match the code's user, so a
code read over someone's shoulder is not enough on its own.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from credits_server.context import Context
from credits_server.errors import FieldProblem, Invalid, invalid
from credits_server.ids import new_id
from credits_server.models import PasswordReset, SessionToken, User, utcnow
from credits_server.security import hash_password, hash_token, normalise_email
from credits_server.services import throttle
from credits_server.services.operators import find_user_by_email

CODE_LIFETIME = timedelta(minutes=30)
MIN_PASSWORD = 8
# Crockford's base32 without look-alikes: easy to read out and type.
_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


@dataclass(frozen=True, slots=True)
class NewCode:
    code: str
    """The only time the code exists in clear."""
    email: str
    expires_at: datetime


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


async def issue_code(ctx: Context, email: str) -> NewCode:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))  # ~59 bits
    shown = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
    expires_at = utcnow() + CODE_LIFETIME
    async with ctx.db.write() as session:
        user = await find_user_by_email(session, email)
        session.add(
            PasswordReset(
                id=new_id("pwr"),
                user_id=user.id,
                code_hash=hash_token(_normalise(raw)),
                expires_at=expires_at,
            )
        )
        return NewCode(shown, user.email, expires_at)


def _refused() -> Invalid:
    return Invalid(
        "reset_code_invalid",
        "This reset code is not valid for this email, was used already or has expired.",
    )


async def redeem_code(ctx: Context, code: str, email: str, password: str, client: str) -> User:
    """Wrong codes are throttled as sign-ins are (services/throttle.py), per (email, client
    address) and per client address."""
    if len(password) < MIN_PASSWORD:
        raise invalid(
            [FieldProblem("password", "too_short", f"Use at least {MIN_PASSWORD} characters.")]
        )
    keys = throttle.keys("reset:", normalise_email(email), client)
    now = utcnow()
    await throttle.check(ctx, keys, now, "reset codes tried")
    code_hash = hash_token(_normalise(code))
    # The code is checked before the password is hashed: a guess costs no argon2 work, and the
    # write lock is not held while hashing. The write checks again (a concurrent redeem).
    async with ctx.db.read() as session:
        try:
            await _usable(session, code_hash, email)
        except Invalid:
            await throttle.failed(ctx, keys, now)
            raise
    password_hash = await anyio.to_thread.run_sync(hash_password, password)
    async with ctx.db.write() as session:
        reset, user = await _usable(session, code_hash, email)
        reset.used_at = utcnow()
        user.password_hash = password_hash
        await session.execute(delete(SessionToken).where(SessionToken.user_id == user.id))
    await throttle.succeeded(ctx, keys)
    return user


async def _usable(session: AsyncSession, code_hash: str, email: str) -> tuple[PasswordReset, User]:
    found = (
        await session.execute(
            select(PasswordReset, User)
            .join(User, User.id == PasswordReset.user_id)
            .where(PasswordReset.code_hash == code_hash)
        )
    ).first()
    if found is None:
        raise _refused()
    reset, user = found
    expired = reset.expires_at <= utcnow()
    if user.email != normalise_email(email) or reset.used_at is not None or expired:
        raise _refused()
    return reset, user

"""SSH public keys per user, and sessions for the SSH gateway (`credits-tui serve-ssh`).

A user lists, adds and removes their own keys; an operator adds one by email. The gateway, with
an API key of scope "ssh", asks who owns a presented key and gets a normal session for that user.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select

from credits_server.context import Caller, Context
from credits_server.errors import Conflict, NotFound, not_found
from credits_server.ids import new_id
from credits_server.models import SshKey, User
from credits_server.services.accounts import find_user
from credits_server.services.auth import NewSession, issue_session
from credits_server.ssh_public_keys import parse_public_key

MAX_KEYS_PER_USER = 20


async def list_keys(ctx: Context, user_id: str) -> list[SshKey]:
    async with ctx.db.read() as session:
        rows = await session.execute(
            select(SshKey).where(SshKey.user_id == user_id).order_by(SshKey.created_at, SshKey.id)
        )
        return list(rows.scalars())


async def add_key(ctx: Context, user_id: str, text: str) -> SshKey:
    """Register the key for the user; refused if any user (this one too) has it already."""
    key = parse_public_key(text)
    async with ctx.db.write() as session:
        taken = await session.execute(
            select(SshKey.user_id).where(SshKey.fingerprint == key.fingerprint)
        )
        if taken.first() is not None:
            raise Conflict("ssh_key_taken", "This key is already registered.")
        count = await session.scalar(
            select(func.count()).select_from(SshKey).where(SshKey.user_id == user_id)
        )
        if (count or 0) >= MAX_KEYS_PER_USER:
            raise Conflict(
                "too_many_ssh_keys", f"At most {MAX_KEYS_PER_USER} keys; remove one first."
            )
        row = SshKey(
            id=new_id("sshk"),
            user_id=user_id,
            fingerprint=key.fingerprint,
            public_key=key.openssh,
            comment=key.comment,
        )
        session.add(row)
    return row


async def remove_key(ctx: Context, caller: Caller, key_id: str) -> None:
    async with ctx.db.write() as session:
        removed = await session.execute(
            delete(SshKey).where(SshKey.id == key_id, SshKey.user_id == caller.user_id)
        )
    if getattr(removed, "rowcount", 0) == 0:
        raise not_found("SSH key")


async def add_key_for_email(ctx: Context, email: str, text: str) -> SshKey:
    """For the operator's `credits-server add-ssh-key`."""
    async with ctx.db.read() as session:
        user = await find_user(session, email)
    if user is None:
        raise not_found("user")
    return await add_key(ctx, user.id, text)


async def session_for_key(ctx: Context, text: str) -> NewSession:
    """A session for the user who registered this key; `unknown_ssh_key` when nobody did."""
    key = parse_public_key(text)
    async with ctx.db.read() as session:
        user = (
            await session.execute(
                select(User)
                .join(SshKey, SshKey.user_id == User.id)
                .where(SshKey.fingerprint == key.fingerprint)
            )
        ).scalar_one_or_none()
    if user is None:
        raise NotFound("unknown_ssh_key", "No user has registered this key.")
    return await issue_session(ctx, user)


async def has_key(ctx: Context, text: str) -> bool:
    """Whether some user registered this key (the gateway asks before the client proves it)."""
    key = parse_public_key(text)
    async with ctx.db.read() as session:
        found = await session.execute(
            select(SshKey.id).where(SshKey.fingerprint == key.fingerprint)
        )
        return found.first() is not None

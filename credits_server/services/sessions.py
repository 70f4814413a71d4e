"""A user's own sessions: where they are signed in, and signing any of them out."""

from __future__ import annotations

from sqlalchemy import delete, select

from credits_server.context import Caller, Context
from credits_server.errors import not_found
from credits_server.models import SessionToken, utcnow


async def list_sessions(ctx: Context, caller: Caller) -> list[SessionToken]:
    """The caller's sessions that have not expired, the most recently used first."""
    async with ctx.db.read() as session:
        rows = await session.execute(
            select(SessionToken)
            .where(SessionToken.user_id == caller.user_id, SessionToken.expires_at > utcnow())
            .order_by(SessionToken.last_used_at.desc(), SessionToken.created_at.desc())
        )
        return list(rows.scalars())


async def end_session(ctx: Context, caller: Caller, session_id: str) -> None:
    """Sign the caller out where `session_id` is used (another user's session does not exist)."""
    async with ctx.db.write() as session:
        ended = await session.execute(
            delete(SessionToken).where(
                SessionToken.id == session_id, SessionToken.user_id == caller.user_id
            )
        )
    if getattr(ended, "rowcount", 0) == 0:
        raise not_found("session")

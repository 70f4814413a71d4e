"""Readiness: the database answers and its schema is the head of the migrations shipped here."""

from __future__ import annotations

import functools

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from credits_server.context import Context
from credits_server.errors import NotReady
from credits_server.migrate import current_revision, script_head

shipped_head = functools.cache(script_head)  # the files do not change under a running server


async def ready_revision(ctx: Context) -> str:
    """The database's schema revision when it is the shipped head; else NotReady."""
    try:
        async with ctx.db.read() as session:
            current = await session.run_sync(lambda sync: current_revision(_connection(sync)))
    except (DBAPIError, OSError):
        raise NotReady("database_unavailable", "The database does not answer.") from None
    head = shipped_head()
    if current != head:
        raise NotReady(
            "schema_not_current",
            f"The database schema is at {current or 'no revision'}, not {head}: "
            "run `credits-server migrate`.",
        )
    assert current is not None
    return current


def _connection(session: Session) -> Connection:
    return session.connection()

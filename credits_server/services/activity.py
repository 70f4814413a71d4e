"""An account's audit trail as a list: newest first, keyset pagination with an opaque cursor,
filtered by the start of the action ("card" for card.created, card.deleted, ...)."""

from __future__ import annotations

from sqlalchemy import select

from credits_server.context import Context
from credits_server.models import AuditEvent
from credits_server.services.cursors import decode_cursor, encode_cursor


async def list_activity(
    ctx: Context, account_id: str, *, limit: int, cursor: str | None, kind: str | None
) -> tuple[list[AuditEvent], str | None]:
    query = select(AuditEvent).where(AuditEvent.account_id == account_id)
    if kind:
        # "card" matches card.created but not cardinal.x; "card.created" matches itself.
        prefix = kind if "." in kind else f"{kind}."
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(AuditEvent.action.like(f"{escaped}%", escape="\\"))
    if cursor:
        query = query.where(AuditEvent.id < decode_cursor("ae", cursor))
    query = query.order_by(AuditEvent.id.desc()).limit(limit + 1)
    async with ctx.db.read() as session:
        rows = list((await session.execute(query)).scalars())
    page = rows[:limit]
    next_cursor = encode_cursor("ae", page[-1].id) if len(rows) > limit and page else None
    return page, next_cursor

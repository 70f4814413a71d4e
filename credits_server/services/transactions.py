"""The ledger as a list: newest first, keyset pagination with an opaque cursor."""

from __future__ import annotations

import base64
import binascii

from sqlalchemy import select

from credits_server.context import Context
from credits_server.errors import FieldProblem, invalid
from credits_server.models import LedgerEntry
from credits_server.money_rules import KINDS


def encode_cursor(entry_id: int) -> str:
    return base64.urlsafe_b64encode(f"le:{entry_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, value = raw.partition(":")
        if prefix != "le":
            raise ValueError(raw)
        return int(value)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise invalid(
            [FieldProblem("cursor", "invalid_cursor", "This cursor is not valid.")]
        ) from None


async def list_transactions(
    ctx: Context, account_id: str, *, limit: int, cursor: str | None, kind: str | None
) -> tuple[list[LedgerEntry], str | None]:
    if kind is not None and kind not in KINDS:
        raise invalid(
            [FieldProblem("kind", "invalid_choice", f"kind is one of {', '.join(KINDS)}.")]
        )
    query = select(LedgerEntry).where(LedgerEntry.account_id == account_id)
    if kind is not None:
        query = query.where(LedgerEntry.kind == kind)
    if cursor:
        query = query.where(LedgerEntry.id < decode_cursor(cursor))
    query = query.order_by(LedgerEntry.id.desc()).limit(limit + 1)
    async with ctx.db.read() as session:
        rows = list((await session.execute(query)).scalars())
    page = rows[:limit]
    next_cursor = encode_cursor(page[-1].id) if len(rows) > limit and page else None
    return page, next_cursor

"""The support requests an account has in the server's database, oldest first."""

from __future__ import annotations

from typing import Any

from tests.support.live_server import LiveServer


def support_rows(live_server: LiveServer, account_id: str) -> list[tuple[str, int, str]]:
    """(reference, amount, message) of each support request the account filed."""

    async def action(ctx: Any) -> list[tuple[str, int, str]]:
        from sqlalchemy import select

        from credits_server.models import SupportRequest

        async with ctx.db.read() as session:
            rows = await session.execute(
                select(SupportRequest.reference, SupportRequest.amount, SupportRequest.message)
                .where(SupportRequest.account_id == account_id)
                .order_by(SupportRequest.created_at, SupportRequest.id)
            )
            return [(str(ref), int(amount), str(text)) for ref, amount, text in rows.all()]

    return live_server.run(action)

"""The audit trail's rows as a test reads them, straight from the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.support.live_server import LiveServer


@dataclass(frozen=True)
class AuditRow:
    actor_kind: str
    actor_label: str
    address: str | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    raw: str


def audit_rows(server: LiveServer, account_id: str | None) -> list[AuditRow]:
    """The account's audit rows, oldest first (account None: the service's own)."""

    async def action(ctx: Any) -> list[AuditRow]:
        from sqlalchemy import select

        from credits_server.models import AuditEvent

        where = (
            AuditEvent.account_id.is_(None)
            if account_id is None
            else AuditEvent.account_id == account_id
        )
        async with ctx.db.read() as session:
            rows = (await session.execute(select(AuditEvent).where(where))).scalars().all()
        return [
            AuditRow(
                row.actor_kind,
                row.actor_label,
                row.address,
                row.action,
                None if row.before is None else json.loads(row.before),
                None if row.after is None else json.loads(row.after),
                f"{row.before} {row.after}",
            )
            for row in sorted(rows, key=lambda row: row.id)
        ]

    return server.run(action)

"""Snapshots of the Activity screen, at 80x24 and 120x40: a fixed audit trail, newest first."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.widgets import DataTable

from tests.screens.conftest import MakeApp, fixed_owner
from tests.screens.snapshot_support import SIZE_IDS, SIZES, signed_in, until
from tests.support.live_server import LiveServer, Owner

pytestmark = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)

# (when, actor kind, actor, address, action, values after (or before, for a removal))
TRAIL = [
    (datetime(2026, 11, 2, 9, 15), "user", "ada@acme.test", "203.0.113.7", "session.created", {}),
    (
        datetime(2026, 11, 2, 9, 17),
        "user",
        "ada@acme.test",
        "203.0.113.7",
        "card.created",
        {"brand": "visa", "last4": "4242"},
    ),
    (
        datetime(2026, 11, 9, 14, 2),
        "user",
        "ada@acme.test",
        "203.0.113.7",
        "auto_recharge.updated",
        {"enabled": True, "threshold": 2000, "amount": 5000},
    ),
    (
        datetime(2026, 11, 12, 10, 40),
        "operator",
        "ops",
        None,
        "ledger.created",
        {"kind": "refund", "amount": 1500, "description": "Goodwill"},
    ),
    (
        datetime(2026, 11, 18, 16, 5),
        "system",
        "credits-server",
        None,
        "topup.created",
        {"kind": "auto_recharge", "amount": 5000, "status": "succeeded"},
    ),
    (
        datetime(2026, 11, 19, 8, 30),
        "user",
        "ada@acme.test",
        "198.51.100.23",
        "card.deleted",
        {"brand": "mastercard", "last4": "4444"},
    ),
]


def owner_with_trail(live_server: LiveServer) -> Owner:
    """A fixed owner whose audit trail is TRAIL alone."""
    owner = fixed_owner(live_server)

    async def write(ctx: Any) -> None:
        from sqlalchemy import delete, insert

        from credits_server.models import AuditEvent

        rows = [
            {
                "account_id": owner.account_id,
                "at": at.replace(tzinfo=UTC),
                "actor_kind": kind,
                "actor_id": None,
                "actor_label": actor,
                "address": address,
                "action": action,
                "object_id": f"obj_{index}",
                "before": json.dumps(values) if action.endswith(".deleted") else None,
                "after": None if action.endswith(".deleted") else json.dumps(values),
            }
            for index, (at, kind, actor, address, action, values) in enumerate(TRAIL)
        ]
        async with ctx.db.write() as session:
            await session.execute(
                delete(AuditEvent).where(AuditEvent.account_id == owner.account_id)
            )
            await session.execute(insert(AuditEvent), rows)

    live_server.run(write)
    return owner


def listed(pilot: Any) -> bool:
    return pilot.app.screen.query_one("#activity", DataTable).row_count == len(TRAIL)


def test_activity_listed(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    app = make_app(signed_in_as=owner_with_trail(live_server))
    assert snap_compare(app, terminal_size=size, run_before=signed_in("v", until(listed)))

"""Set-up for the Notifications screen's tests: targets and dead letters written with the server's
own functions, at fixed times so snapshots are the same on every run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.live_server import LiveServer, Owner

WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def give_targets(live_server: LiveServer, owner: Owner) -> None:
    """An email target, and a webhook switched off after failing, with one dead letter."""

    async def write(ctx: Any) -> None:
        from sqlalchemy import insert

        from credits_server.ids import new_id
        from credits_server.models import NotificationTarget, OutboxMessage
        from credits_server.services.notifications import targets

        email = await targets.add_target(
            ctx,
            owner.account_id,
            "email",
            "finance@acme.example",
            ["low_balance", "auto_recharge.disabled", "topup.succeeded"],
        )
        hook = await targets.add_target(
            ctx, owner.account_id, "webhook", "https://hooks.acme.example/credits", ["low_balance"]
        )
        async with ctx.db.write() as session:
            for minutes, row in enumerate((email.target, hook.target)):
                stored = await session.get(NotificationTarget, row.id)
                assert stored is not None
                stored.created_at = WHEN + timedelta(minutes=minutes)  # listed in this order
            switched = await session.get(NotificationTarget, hook.target.id)
            assert switched is not None
            switched.enabled = False
            switched.disabled_reason = (
                "Switched off: failing since 2026-11-16 09:30 UTC (The endpoint answered 503.)"
            )
            await session.execute(
                insert(OutboxMessage).values(
                    id=new_id("msg"),
                    account_id=owner.account_id,
                    target_id=hook.target.id,
                    kind="low_balance",
                    data="{}",
                    status="dead",
                    attempts=80,
                    next_attempt_at=WHEN,
                    last_error="The endpoint answered 503.",
                    created_at=WHEN,
                )
            )

    live_server.run(write)

"""GET /v1/account/daily-balances: each day closes at its last entry, quiet days carry over."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx

from credits_client.api.models import DailyBalances
from tests.support.live_server import LiveServer, Owner


def post_entries(
    live_server: LiveServer, owner: Owner, entries: list[tuple[int, datetime]]
) -> None:
    async def write(ctx: Any) -> None:
        from credits_server.ledger import post

        async with ctx.db.write() as session:
            for amount, when in entries:
                kind = "adjustment" if amount > 0 else "usage"
                await post(
                    session,
                    owner.account_id,
                    kind=kind,
                    amount=amount,
                    description="",
                    created_at=when,
                )

    live_server.run(write)


async def daily(live_server: LiveServer, owner: Owner, start: str, end: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=live_server.url, headers=owner.headers) as client:
        return await client.get("/v1/account/daily-balances", params={"start": start, "end": end})


async def test_each_day_closes_at_its_last_entry(live_server: LiveServer) -> None:
    owner = live_server.make_owner(0, with_card=False)
    post_entries(
        live_server,
        owner,
        [
            (10000, datetime(2026, 11, 2, 9, tzinfo=UTC)),
            (-300, datetime(2026, 11, 2, 23, 59, tzinfo=UTC)),
            (-200, datetime(2026, 11, 4, 0, 0, tzinfo=UTC)),
        ],
    )
    answer = await daily(live_server, owner, "2026-11-01", "2026-11-05")
    assert answer.status_code == 200, answer.text
    balances = DailyBalances.model_validate(answer.json())
    assert balances.currency == "USD"
    assert [(d.date, d.balance) for d in balances.data] == [
        (date(2026, 11, 1), 0),  # before the first entry: what it started from
        (date(2026, 11, 2), 9700),
        (date(2026, 11, 3), 9700),  # a quiet day keeps the day before's
        (date(2026, 11, 4), 9500),
        (date(2026, 11, 5), 9500),
    ]


async def test_a_period_backwards_or_too_long_is_refused(live_server: LiveServer) -> None:
    owner = live_server.make_owner(0, with_card=False)
    backwards = await daily(live_server, owner, "2026-11-05", "2026-11-01")
    too_long = await daily(live_server, owner, "2025-01-01", "2026-11-01")
    endless = await daily(live_server, owner, "9999-12-31", "9999-12-31")
    assert backwards.status_code == too_long.status_code == endless.status_code == 422
    assert backwards.json()["code"] == "validation_error"


async def test_an_account_sees_only_its_own_balances(live_server: LiveServer) -> None:
    mine = live_server.make_owner(0, with_card=False)
    other = live_server.make_owner(0, with_card=False)
    post_entries(live_server, other, [(99999, datetime(2026, 11, 2, tzinfo=UTC))])
    answer = await daily(live_server, mine, "2026-11-01", "2026-11-03")
    assert [entry["balance"] for entry in answer.json()["data"]] == [0, 0, 0]


def test_each_day_is_one_index_seek() -> None:
    """The plan SQLite picks: a search of the (account_id, created_at, id) index per day, no
    scan and no sort, so the answer costs the same at 1M entries as at 100."""
    from sqlalchemy import create_engine, text

    from credits_server.models import Base
    from credits_server.services.daily_balances import closing_balances

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    days = [date(2026, 11, day) for day in (1, 2, 3)]
    query = closing_balances("acct_x", days).compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as connection:
        plan = [row[3] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {query}"))]
    searches = [step for step in plan if "ix_ledger_entries_account_id_created_at_id" in step]
    assert len(searches) == 1 + len(days), plan
    walks = [step for step in plan if step.startswith("SCAN ledger") or "TEMP B-TREE" in step]
    assert not walks, plan

"""The dashboard's numbers: History's filter stays on History, live usage shows up in Recent
transactions, and the 30-day trend covers the whole month however many entries it holds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from textual.widgets import DataTable

from tests.screens.conftest import MakeApp, fixed_owner
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import go_to, run_on_dashboard, screen_text, settle
from tests.support.wait import wait_for_async


def post_entries(
    live_server: LiveServer, owner: Owner, entries: list[tuple[str, int, datetime]]
) -> None:
    async def write(ctx: Any) -> None:
        from credits_server.ledger import post

        async with ctx.db.write() as session:
            for kind, amount, when in entries:
                description = f"{kind} {when:%d %H}h"
                await post(
                    session,
                    owner.account_id,
                    kind=kind,
                    amount=amount,
                    description=description,
                    created_at=when,
                )

    live_server.run(write)


def post_usage(live_server: LiveServer, owner: Owner, amount: int) -> None:
    """A usage debit through the API, as the telephony system sends it."""

    async def make_key(ctx: Any) -> str:
        from credits_server.services.api_keys import create_api_key

        return (await create_api_key(ctx, "telephony")).key

    key = live_server.run(make_key)
    record = {
        "account_id": owner.account_id,
        "amount": amount,
        "kind": "call",
        "reference": str(uuid.uuid4()),
    }
    answer = httpx.post(
        f"{live_server.url}/v1/usage",
        json=record,
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text


def recent(app: Any, column: int = 1) -> list[str]:
    """A column of the dashboard's Recent transactions (1: what, 2: amount)."""
    table = app.screen.query_one("#recent", DataTable)
    return [str(table.get_row_at(row)[column]) for row in range(table.row_count)]


async def test_a_history_filter_stays_on_history(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.dashboard import DashboardScreen
    from screens.transactions import TransactionsScreen

    owner = fixed_owner(live_server)
    post_entries(live_server, owner, [("topup", 1000, datetime(2026, 11, 19, 19, tzinfo=UTC))])
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await go_to(pilot, TransactionsScreen, "t")
        await pilot.press("f", "enter", "down", "enter")  # Show: Top-up
        await settle(pilot)
        history = app.screen.query_one("#history", DataTable)
        kinds = [str(history.get_row_at(row)[1]) for row in range(history.row_count)]
        assert kinds == ["Top-up"]
        await pilot.press("f", "enter", "up", "enter")  # Show: All kinds, then on to Top-up
        await settle(pilot)
        assert app.screen.query_one("#history", DataTable).row_count == 5
        await pilot.press("f", "enter", "down", "enter")
        await settle(pilot)
        await go_to(pilot, DashboardScreen, "escape")

        assert "Calls, week 46" in recent(app)  # every kind, not only top-ups
        assert screen_text(pilot, "#trend-caption") == (
            "Last 30 days: from $0.00 to $52.50 (low $0.00, high $100.00)"
        )
        post_usage(live_server, owner, 700)
        await wait_for_async(lambda: recent(app, 2)[0] == "-$7.00", pilot=pilot)
        assert screen_text(pilot, "#balance") == "$45.50"


async def test_the_trend_covers_the_whole_month(make_app: MakeApp, live_server: LiveServer) -> None:
    owner = live_server.make_owner(0, with_card=False)
    entries = [
        ("adjustment", 100000, datetime(2026, 10, 10, 9, tzinfo=UTC)),
        ("topup", 50000, datetime(2026, 10, 25, 12, tzinfo=UTC)),  # the high, 75 entries back
    ]
    first_usage_day = datetime(2026, 10, 26, tzinfo=UTC)
    for day in range(25):
        for hour in (9, 12, 15):
            when = first_usage_day + timedelta(days=day, hours=hour)
            entries.append(("usage", -1000, when))
    post_entries(live_server, owner, entries)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await wait_for_async(lambda: "from" in screen_text(pilot, "#trend-caption"), pilot=pilot)
        assert screen_text(pilot, "#trend-caption") == (
            "Last 30 days: from $1,000.00 to $750.00 (low $750.00, high $1,500.00)"
        )

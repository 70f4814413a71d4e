"""The audit trail: each change by a person leaves a row naming who, from where, what, and the
values before and after; never a secret or a card number; and every table is either audited or
left out on purpose."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

import httpx

from credits_server.audit import AUDITED, NOT_AUDITED
from credits_server.models import Base
from tests.support.audit import audit_rows
from tests.support.cards import card_token
from tests.support.live_server import LiveServer, Owner


def test_every_table_is_audited_or_left_out_on_purpose() -> None:
    import credits_server.gateway.sandbox.tables
    import credits_server.gateway.stripe.tables  # noqa: F401

    tables = set(Base.metadata.tables)
    assert set(AUDITED) & NOT_AUDITED == set()
    assert tables - set(AUDITED) - NOT_AUDITED == set(), "add each new table to one list"
    assert (set(AUDITED) | NOT_AUDITED) - tables == set()


async def test_a_persons_changes_are_recorded_with_who_where_and_before_after(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient
) -> None:
    signed_in = await client.post(
        "/v1/sessions", json={"email": owner.email, "password": owner.password}
    )
    assert signed_in.status_code == 201
    current = await client.get("/v1/auto-recharge")
    body = {"enabled": True, "mode": "add", "threshold": 1500, "amount": 2500}
    saved = await client.put(
        "/v1/auto-recharge", json=body, headers={"If-Match": current.headers["etag"]}
    )
    assert saved.status_code == 200
    token = await card_token(
        client,
        {"number": "4242424242424242", "exp_month": 12, "exp_year": 2039, "cvc": "123"},
    )
    added = await client.post("/v1/payment-methods", json={"card_token": token})
    assert added.status_code == 201

    rows = [row for row in audit_rows(live_server, owner.account_id) if row.actor_kind == "user"]
    assert [row.action for row in rows] == [
        "session.created",
        "auto_recharge.updated",
        "card.created",
    ]
    assert {row.actor_label for row in rows} == {owner.email}
    assert {row.address for row in rows} == {"127.0.0.1"}
    settings = rows[1]
    assert settings.before is not None
    assert settings.after is not None
    assert (settings.before["enabled"], settings.after["enabled"]) == (False, True)
    assert settings.after["threshold"] == 1500
    card = rows[2].after
    assert card is not None
    assert (card["brand"], card["last4"]) == ("visa", "4242")
    for row in audit_rows(live_server, owner.account_id):
        assert "gateway_token" not in row.raw
        assert "token_hash" not in row.raw
        assert "4242424242424242" not in row.raw
        assert signed_in.json()["token"] not in row.raw


async def test_a_top_up_records_the_payment_and_the_credit(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient
) -> None:
    paid = await client.post(
        "/v1/topups",
        json={"amount": 2500, "payment_method_id": owner.payment_method_id},
        headers={"Idempotency-Key": "audit-topup"},
    )
    assert paid.json()["status"] == "succeeded"
    actions = [
        (row.action, (row.after or {}).get("amount"))
        for row in audit_rows(live_server, owner.account_id)
        if row.actor_kind == "user"
    ]
    assert ("topup.created", 2500) in actions
    assert ("ledger.created", 2500) in actions


# Renames an account in one write transaction, flushes (the audit row goes out with the change),
# says so, then commits or waits to be killed.
RENAME = """
import asyncio, sys
from credits_server.context import make_context
from credits_server.models import Account
from credits_server.settings import Settings

async def main() -> None:
    ctx = make_context(Settings(database_url=sys.argv[1]))
    async with ctx.db.write() as session:
        account = await session.get(Account, sys.argv[2])
        account.name = sys.argv[3]
        await session.flush()
        print("flushed", flush=True)
        if sys.argv[4] == "wait":
            await asyncio.Event().wait()
    await ctx.db.dispose()

asyncio.run(main())
"""


def rename(server: LiveServer, account_id: str, name: str, then: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", RENAME, server.database_url, account_id, name, then],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "flushed"
    if then == "wait":
        child.kill()
    assert child.wait(timeout=30) in (0, -signal.SIGKILL)


def account_name(server: LiveServer, account_id: str) -> str:
    async def action(ctx: Any) -> str:
        from credits_server.models import Account

        async with ctx.db.read() as session:
            account = await session.get(Account, account_id)
            assert account is not None
            return account.name

    return server.run(action)


def test_a_kill_between_the_change_and_its_commit_leaves_neither(
    live_server: LiveServer, owner: Owner
) -> None:
    renamed = [
        row for row in audit_rows(live_server, owner.account_id) if row.action == "account.updated"
    ]
    assert renamed == []

    rename(live_server, owner.account_id, "Killed Co", "wait")
    assert account_name(live_server, owner.account_id) != "Killed Co"
    assert [
        r for r in audit_rows(live_server, owner.account_id) if r.action == "account.updated"
    ] == []

    rename(live_server, owner.account_id, "Renamed Co", "commit")
    assert account_name(live_server, owner.account_id) == "Renamed Co"
    [row] = [r for r in audit_rows(live_server, owner.account_id) if r.action == "account.updated"]
    assert row.after == {"name": "Renamed Co"}
    assert row.actor_kind == "system"

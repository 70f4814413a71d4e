"""Every write path of money writes the same ledger, events and recharge intents.

Credits (top-ups, auto-recharges, adjustments, refunds) have one writer, the ORM path
(credits_server.ledger.post, services.events, services.recharge): top-ups are paid through the
API and auto-recharges charged by the server's own worker. Usage debits have two statement sets,
SQLite's (plain SQL on the sqlite3 connection) and PostgreSQL's, one per database: each scenario
runs with the statement set of the pass's database (`usage_path`), its usage through the real
service (`usage.apply_usage`, one record a request, batches, and concurrent requests sharing a
transaction), and every run must
end with the same rows, in the same order, written by all the paths in turn: ledger entries
(kind, amount, balance_after, reference), events (type, numbers 1..n with no gap, the payload's
essentials), intents (one per crossing), and `balance == sum(entries)`.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from credits_server.services import usage_debit
from tests.support import postgres
from tests.support.engine import enable_auto_recharge, intents, no_open_intent
from tests.support.live_server import LiveServer, Owner
from tests.support.wait import wait_for

PATHS = ["postgres"] if postgres.test_database_url() else ["sqlite"]


@pytest.fixture(params=PATHS)
def usage_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The statement set this process's usage debits are written with (the server's own, in its
    process, is its database's)."""
    path: str = request.param
    monkeypatch.setattr(
        usage_debit, "uses_postgres_statements", lambda connection: path == "postgres"
    )
    return path


Answer = tuple[str, str, int | None]  # (reference, status, balance_after)


def spend(server: LiveServer, *requests: list[tuple[str, str, int]]) -> list[list[Answer]]:
    """Usage requests of (account, reference, amount) records, sent at once (a request alone
    runs at once; those that arrive while it runs share the next transaction)."""

    async def action(ctx: Any) -> list[list[Answer]]:
        from credits_server.services.usage import UsageRecord, UsageResult, apply_usage

        def send(records: list[tuple[str, str, int]]) -> Any:
            items: list[UsageRecord | UsageResult] = [
                UsageRecord(account, amount, "call", reference)
                for account, reference, amount in records
            ]
            return apply_usage(ctx, items)

        answers = await asyncio.gather(*(send(records) for records in requests))
        return [
            [(str(r.reference), r.status, r.balance_after) for r in results] for results in answers
        ]

    return server.run(action)


def adjust(server: LiveServer, account_id: str, kind: str, amount: int, reference: str) -> None:
    async def action(ctx: Any) -> None:
        from credits_server.ledger import post

        async with ctx.db.write() as session:
            await post(
                session, account_id, kind=kind, amount=amount, description=kind, reference=reference
            )

    server.run(action)


def top_up(server: LiveServer, owner: Owner, amount: int) -> str:
    answer = httpx.post(
        f"{server.url}/v1/topups",
        json={"amount": amount, "payment_method_id": owner.payment_method_id},
        headers={**owner.headers, "Idempotency-Key": uuid.uuid4().hex},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "succeeded"
    return str(answer.json()["id"])


def recharged(server: LiveServer, owner: Owner, count: int) -> None:
    """Wait for the server's worker to settle the `count`th recharge intent."""
    wait_for(
        lambda: (
            len(intents(server, owner.account_id)) == count
            and no_open_intent(server, owner.account_id)
        ),
        what=f"recharge {count} settled",
    )


def events(server: LiveServer, account_id: str) -> list[tuple[int, str, dict[str, Any]]]:
    async def action(ctx: Any) -> list[tuple[int, str, dict[str, Any]]]:
        import json

        from sqlalchemy import select

        from credits_server.models import Event

        async with ctx.db.read() as session:
            rows = await session.execute(
                select(Event).where(Event.account_id == account_id).order_by(Event.seq)
            )
            return [(e.seq, e.type, json.loads(e.data)) for e in rows.scalars()]

    return server.run(action)


def essentials(type_: str, data: dict[str, Any]) -> object:
    """What each kind of event must say (the whole of the money events; the top-up's and the
    settings' bodies are the API's representations, checked by their own tests)."""
    if type_ == "topup.succeeded":
        return {key: data["topup"][key] for key in ("amount", "status", "balance_after")}
    if type_ == "settings.updated":
        return {"enabled": data["auto_recharge"]["enabled"]}
    if type_ == "auto_recharge.succeeded":  # its receipt: the top-up's representation
        return {key: value for key, value in data.items() if key != "topup"}
    return data


# Not money: the card the test's owner is made with (tests/credits_server/test_notifications.py).
CARD_EVENTS = ("payment_method.saved", "payment_method.removed")


def assert_written(
    server: LiveServer,
    account_id: str,
    ledger: list[tuple[str, int, int, str]],
    stream: list[tuple[str, object]],
) -> None:
    rows = server.ledger(account_id)
    written = [
        (
            r.kind,
            r.amount,
            r.balance_after,
            "topup:*"
            if r.kind != "usage" and str(r.reference).startswith("topup:")
            else str(r.reference),
        )
        for r in rows
    ]
    assert written == ledger
    assert server.balance(account_id) == sum(r.amount for r in rows) == rows[-1].balance_after
    seen = events(server, account_id)
    assert [seq for seq, _, _ in seen] == list(range(1, len(seen) + 1))
    money = [(type_, essentials(type_, data)) for _, type_, data in seen]
    assert [event for event in money if event[0] not in CARD_EVENTS] == stream


def balance(value: int) -> tuple[str, object]:
    return ("balance.updated", {"balance": value, "currency": "USD"})


def low(value: int, level: int = 1000) -> tuple[str, object]:
    return ("low_balance", {"balance": value, "level": level})


RECHARGED = [
    ("auto_recharge.succeeded", {"amount": 2500, "currency": "USD", "failure_code": None}),
]
SETTINGS = ("settings.updated", {"enabled": True})


def test_a_month_of_money_with_auto_recharge(engine_server: LiveServer, usage_path: str) -> None:
    server = engine_server
    owner = server.make_owner(balance=5000)
    account = owner.account_id
    enable_auto_recharge(server, owner, threshold=1000, amount=2500)
    top_up(server, owner, 2000)
    # One record a request: the third crosses the threshold (an alert, an intent, a recharge);
    # a repeat and a debit past the floor change nothing.
    assert spend(server, [(account, "a", 3000)]) == [[("a", "applied", 4000)]]
    assert spend(server, [(account, "b", 2500)]) == [[("b", "applied", 1500)]]
    assert spend(server, [(account, "c", 600)]) == [[("c", "applied", 900)]]
    recharged(server, owner, 1)
    assert spend(server, [(account, "b", 2500)]) == [[("b", "duplicate", 1500)]]
    assert spend(server, [(account, "d", 5000)]) == [[("d", "refused", None)]]
    # A batch: one crossing (one alert, one intent), a refusal, a repeat within the batch.
    batch = [(account, ref, amount) for ref, amount in [("e", 1000), ("f", 1000), ("g", 500)]]
    batch += [(account, "h", 950), (account, "i", 900), (account, "e", 1000)]
    assert spend(server, batch) == [
        [
            ("e", "applied", 2400),
            ("f", "applied", 1400),
            ("g", "applied", 900),
            ("h", "refused", None),
            ("i", "applied", 0),
            ("e", "duplicate", 2400),
        ]
    ]
    recharged(server, owner, 2)
    adjust(server, account, "adjustment", -300, "fix-1")
    adjust(server, account, "refund", 400, "refund-1")
    # Requests at once, sharing a transaction, each alerted and announced as if alone.
    together = spend(server, [(account, "j", 800)], [(account, "k", 800)], [(account, "l", 100)])
    assert together == [[("j", "applied", 1800)], [("k", "applied", 1000)], [("l", "applied", 900)]]
    recharged(server, owner, 3)

    assert_written(
        server,
        account,
        [
            ("adjustment", 5000, 5000, "opening"),
            ("topup", 2000, 7000, "topup:*"),
            ("usage", -3000, 4000, "usage:a"),
            ("usage", -2500, 1500, "usage:b"),
            ("usage", -600, 900, "usage:c"),
            ("auto_recharge", 2500, 3400, "topup:*"),
            ("usage", -1000, 2400, "usage:e"),
            ("usage", -1000, 1400, "usage:f"),
            ("usage", -500, 900, "usage:g"),
            ("usage", -900, 0, "usage:i"),
            ("auto_recharge", 2500, 2500, "topup:*"),
            ("adjustment", -300, 2200, "fix-1"),
            ("refund", 400, 2600, "refund-1"),
            ("usage", -800, 1800, "usage:j"),
            ("usage", -800, 1000, "usage:k"),
            ("usage", -100, 900, "usage:l"),
            ("auto_recharge", 2500, 3400, "topup:*"),
        ],
        [
            SETTINGS,
            ("topup.succeeded", {"amount": 2000, "status": "succeeded", "balance_after": 7000}),
            balance(7000),
            balance(4000),
            balance(1500),
            low(900),
            balance(900),
            *RECHARGED,
            balance(3400),
            SETTINGS,
            low(900),
            balance(0),
            *RECHARGED,
            balance(2500),
            SETTINGS,
            balance(1800),
            balance(1000),
            low(900),
            balance(900),
            *RECHARGED,
            balance(3400),
            SETTINGS,
        ],
    )
    assert intents(server, account) == [("succeeded", None)] * 3
    assert server.charge_count(account) == 4  # the top-up and three recharges


def test_without_auto_recharge_alerts_at_the_low_balance_level_and_opens_nothing(
    engine_server: LiveServer, usage_path: str
) -> None:
    server = engine_server
    owner = server.make_owner(balance=2500, with_card=False)
    account = owner.account_id
    assert spend(server, [(account, "a", 1000)]) == [[("a", "applied", 1500)]]
    assert spend(server, [(account, "b", 600), (account, "c", 800)]) == [
        [("b", "applied", 900), ("c", "applied", 100)]
    ]
    adjust(server, account, "refund", 1500, "refund-1")
    assert spend(server, [(account, "d", 700)], [(account, "d", 700)]) == [
        [("d", "applied", 900)],
        [("d", "duplicate", 900)],
    ]
    assert_written(
        server,
        account,
        [
            ("adjustment", 2500, 2500, "opening"),
            ("usage", -1000, 1500, "usage:a"),
            ("usage", -600, 900, "usage:b"),
            ("usage", -800, 100, "usage:c"),
            ("refund", 1500, 1600, "refund-1"),
            ("usage", -700, 900, "usage:d"),
        ],
        [balance(1500), low(900), balance(100), low(900), balance(900)],
    )
    assert intents(server, account) == []

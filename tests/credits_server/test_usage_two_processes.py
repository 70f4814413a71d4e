"""Usage debits of one account from two processes on one database: the session's server, and this
test process with its own connection pool and its own memory of the account (on PostgreSQL, what
lets a process debit in one statement while nobody else has written since its last commit).

Whatever the other process wrote in between (debits, a repeated reference, a credit, new
auto-recharge settings), each answer is what one process alone would have given, and the ledger
is one chain whose sum is the balance, with each reference posted once.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import httpx

from tests.support.engine import enable_auto_recharge, intents
from tests.support.live_server import LedgerRow, LiveServer
from tests.support.wait import wait_for

Answer = tuple[
    str, str, str | None, int | None
]  # (reference, status, transaction id, balance_after)


def here(server: LiveServer, account_id: str, *references: str, amount: int = 10) -> list[Answer]:
    """One usage request per reference, sent at once by this process (not the server)."""

    async def action(ctx: Any) -> list[Answer]:
        return await _here(ctx, account_id, references, amount)

    return server.run(action)


async def _here(ctx: Any, account_id: str, references: Any, amount: int) -> list[Answer]:
    from credits_server.services.usage import UsageRecord, UsageResult, apply_usage

    async def one(reference: str) -> Answer:
        items: list[UsageRecord | UsageResult] = [
            UsageRecord(account_id, amount, "call", reference)
        ]
        (result,) = await apply_usage(ctx, items)
        return (reference, result.status, result.transaction_id, result.balance_after)

    return list(await asyncio.gather(*(one(reference) for reference in references)))


async def _there(
    client: httpx.AsyncClient, account_id: str, reference: str, amount: int = 10
) -> Answer:
    body = {"account_id": account_id, "amount": amount, "kind": "call", "reference": reference}
    answer = (await client.post("/v1/usage", json=body)).json()
    return (reference, answer["status"], answer["transaction_id"], answer["balance_after"])


def there(server: LiveServer, key: str, account_id: str, *references: str) -> list[Answer]:
    """One usage request per reference, through the server's HTTP API, one after another."""

    async def send() -> list[Answer]:
        async with _client(server, key) as client:
            return [await _there(client, account_id, reference) for reference in references]

    return asyncio.run(send())


def _client(server: LiveServer, key: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=60
    )


def assert_one_chain(rows: list[LedgerRow], balance: int) -> None:
    """Every entry follows from the one before, the balance is their sum, no reference twice."""
    running = 0
    for row in rows:
        running += row.amount
        assert row.balance_after == running
    assert balance == running
    references = [row.reference for row in rows if row.reference is not None]
    assert len(references) == len(set(references))


def test_each_process_sees_what_the_other_wrote(engine_server: LiveServer, api_key: str) -> None:
    owner = engine_server.make_owner(balance=10_000)
    account = owner.account_id

    def applied(answers: list[Answer]) -> list[tuple[str, int | None]]:
        return [(status, balance_after) for _, status, _, balance_after in answers]

    assert applied(here(engine_server, account, "a1")) == [("applied", 9_990)]
    assert applied(here(engine_server, account, "a2")) == [("applied", 9_980)]
    b1 = there(engine_server, api_key, account, "b1")
    assert applied(b1) == [("applied", 9_970)]
    # This process last wrote at 9,980: the server's debit is seen, not written over.
    a3 = here(engine_server, account, "a3")
    assert applied(a3) == [("applied", 9_960)]
    # A reference one process posted answers with its entry in the other, and no debit.
    assert here(engine_server, account, "b1") == [("b1", "duplicate", b1[0][2], 9_970)]
    assert there(engine_server, api_key, account, "a3") == [("a3", "duplicate", a3[0][2], 9_960)]
    assert applied(here(engine_server, account, "a4")) == [("applied", 9_950)]

    # New auto-recharge settings saved through the server: this process's next debit crosses
    # the new threshold, alerts at it and has the server's worker recharge once.
    enable_auto_recharge(engine_server, owner, threshold=9_945, amount=2_500)
    assert applied(here(engine_server, account, "a5")) == [("applied", 9_940)]
    wait_for(
        lambda: intents(engine_server, account) == [("succeeded", None)],
        what="the recharge settled",
    )
    rows = engine_server.ledger(account)
    assert [(row.kind, row.balance_after) for row in rows][-2:] == [
        ("usage", 9_940),
        ("auto_recharge", 12_440),
    ]
    assert_one_chain(rows, engine_server.balance(account))
    # A credit posted by the server's worker is seen by this process's next debit.
    assert applied(here(engine_server, account, "a6")) == [("applied", 12_430)]


def test_both_processes_at_once_post_each_reference_once(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=100_000)
    account = owner.account_id
    tag = secrets.token_hex(3)
    rounds = 3

    async def action(ctx: Any) -> list[tuple[list[Answer], list[Answer]]]:
        answers = []
        async with _client(engine_server, api_key) as client:
            for round_ in range(rounds):  # each process's memory goes stale in each
                shared = [f"{tag}-both-{round_}-{n}" for n in range(6)]
                mine = [f"{tag}-here-{round_}-{n}" for n in range(14)] + shared
                theirs = [f"{tag}-there-{round_}-{n}" for n in range(14)] + shared
                sent_there = asyncio.gather(*(_there(client, account, r) for r in theirs))
                answers.append(await asyncio.gather(_here(ctx, account, mine, 10), sent_there))
        return [(list(a), list(b)) for a, b in answers]

    for answers_here, answers_there in engine_server.run(action):
        by_reference: dict[str, list[Answer]] = {}
        for answer in answers_here + answers_there:
            by_reference.setdefault(answer[0], []).append(answer)
        for reference, both in by_reference.items():
            if len(both) == 2:  # sent to both at once: posted once, both answer with it
                assert sorted(status for _, status, _, _ in both) == ["applied", "duplicate"]
                assert both[0][2:] == both[1][2:], reference
            else:
                assert both[0][1] == "applied", reference

    rows = engine_server.ledger(account)
    usage = [row for row in rows if row.kind == "usage"]
    assert len(usage) == rounds * (14 + 14 + 6)
    assert_one_chain(rows, engine_server.balance(account))
    assert engine_server.balance(account) == 100_000 - 10 * len(usage)

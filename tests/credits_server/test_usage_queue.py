"""Group commit's failure rules (usage_queue), with the transaction replaced by a
function that fails on demand: a fault the real database cannot produce for one request only."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import OperationalError

from credits_server.money_rules import Debit
from credits_server.services.usage_debit import AccountDebits
from credits_server.services.usage_queue import Answers, DebitQueue, Wanted

POISON = "acct-poison"


def wanted(account_id: str) -> Wanted:
    return {account_id: [Debit(f"usage:{account_id}", -1, "Call")]}


async def apply_all(requests: list[Wanted]) -> list[Answers]:
    """Answers each request with its account's currency, unless a poisoned one is in the group."""
    await asyncio.sleep(0)  # a transaction takes a turn of the loop, at least
    if any(POISON in request for request in requests):
        raise ValueError("this request cannot be stored")
    return [{account: AccountDebits(currency="USD") for account in request} for request in requests]


async def test_a_request_that_fails_its_group_fails_alone() -> None:
    queue = DebitQueue(apply_all)
    accounts = ["acct-1", POISON, "acct-2", "acct-3"]
    results = await asyncio.gather(
        *(queue.submit(wanted(account)) for account in accounts), return_exceptions=True
    )
    assert isinstance(results[1], ValueError)
    for account, result in zip(accounts, results, strict=True):
        if account != POISON:
            assert isinstance(result, dict)
            assert result[account].currency == "USD"


async def test_a_database_failure_fails_the_whole_group_at_once() -> None:
    tries = 0

    async def busy(requests: list[Wanted]) -> list[Answers]:
        nonlocal tries
        tries += 1
        await asyncio.sleep(0)
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    queue = DebitQueue(busy)
    results = await asyncio.gather(
        *(queue.submit(wanted(f"acct-{n}")) for n in range(5)), return_exceptions=True
    )
    assert all(isinstance(result, OperationalError) for result in results)
    assert tries <= 2  # the first request alone, then the four that queued meanwhile


async def test_a_caller_gone_before_its_turn_is_not_applied() -> None:
    applied: list[str] = []

    async def record(requests: list[Wanted]) -> list[Answers]:
        await asyncio.sleep(0)
        applied.extend(account for request in requests for account in request)
        return await apply_all(requests)

    queue = DebitQueue(record)
    first = asyncio.create_task(queue.submit(wanted("acct-1")))
    await asyncio.sleep(0)  # acct-1's transaction has started
    gone = asyncio.create_task(queue.submit(wanted("acct-gone")))
    kept = asyncio.create_task(queue.submit(wanted("acct-kept")))
    await asyncio.sleep(0)
    gone.cancel()
    assert (await first)["acct-1"].currency == "USD"
    assert (await kept)["acct-kept"].currency == "USD"
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert applied == ["acct-1", "acct-kept"]


async def clients_coming_back(queue: DebitQueue, clients: int, rounds: int) -> None:
    """`clients` callers, each sending its next request as soon as it is answered, the later ones
    a little later (as answers sent together reach their clients one after another)."""

    async def client(n: int) -> None:
        for _ in range(rounds):
            await queue.submit(wanted(f"acct-{n}"))
            await asyncio.sleep(0.0001 * n)

    await asyncio.gather(*(client(n) for n in range(clients)))


async def test_with_linger_the_clients_of_a_group_share_the_next_one() -> None:
    groups: list[int] = []

    async def flushing(requests: list[Wanted]) -> list[Answers]:
        groups.append(len(requests))
        await asyncio.sleep(0.04)  # a commit waiting for the disk
        return await apply_all(requests)

    await clients_coming_back(DebitQueue(flushing), 8, 4)
    assert 1 in groups  # without: the first client back commits alone, the others next
    groups.clear()
    await clients_coming_back(DebitQueue(flushing, linger=True), 8, 4)
    assert groups == [8, 8, 8, 8]

"""Group commit for usage debits: the requests that arrive while a debit transaction runs go
together into the next one, each still answered on its own.

Why: a debit's transaction costs far more than its rows. On PostgreSQL the commit waits for the
WAL flush (fsync) while the account's row is locked, so one transaction per request caps a busy
account at one debit per flush; on SQLite every transaction is a trip to the writer thread and
back through the event loop, under the process's write lock. Profiled at 8 concurrent clients,
neither the event loop nor the database was busy: requests waited in line for the next commit.

Nothing a caller sees changes: the requests of a group are applied in arrival order, as if one
after another (credits_server.services.usage_debit: their own outcomes, alerts and balance.updated
event each), and each answer is sent only after the group's commit. A request is never held back
to wait for company, with one exception: with `linger` (PostgreSQL, whose commit waits for a disk
flush), a group that starts just after another ended waits a little, at most half the time that
group took, for as many requests as it carried: its clients, answered together, come back at
nearly the same moment, and without the wait the first of them would take a flush of its own and
leave the rest to the next (groups of 1, 7, 1, 7... at 8 clients instead of 8, 8...).
"""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.exc import OperationalError

from credits_server.db import Database
from credits_server.money_rules import Debit
from credits_server.services.usage_debit import AccountDebits

Wanted = dict[str, list[Debit]]
Answers = dict[str, AccountDebits]
Apply = Callable[[list[Wanted]], Awaitable[list[Answers]]]

LINGER_LIMIT = 0.005
"""Seconds a group waits for company at most (see the module's docstring)."""
MAX_GROUP_DEBITS = 1000
"""A group stops growing at this many debits (a request's own batch may be that large alone)."""
SHORT_GROUP_DEBITS = 32
"""Up to this many debits a transaction is short enough to run on the event loop's thread (see
`Database.write_sync`): about a millisecond, where a batch of 1,000 takes tens."""


@dataclass(slots=True)
class _Waiting:
    wanted: Wanted
    size: int
    answer: asyncio.Future[Answers]


class DebitQueue:
    """One per database and event loop: `submit` waits for the transaction that carries it."""

    def __init__(self, apply: Apply, *, linger: bool = False) -> None:
        self._apply = apply
        self._waiting: deque[_Waiting] = deque()
        self._draining: asyncio.Task[None] | None = None
        self._linger = linger
        self._last: tuple[int, float, float] = (0, 0.0, 0.0)  # requests, start, end of the last
        self._enough: asyncio.Future[None] | None = None

    async def submit(self, wanted: Wanted) -> Answers:
        size = sum(len(debits) for debits in wanted.values())
        answer: asyncio.Future[Answers] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(wanted, size, answer))
        enough = self._enough
        if enough is not None and len(self._waiting) >= self._last[0] and not enough.done():
            enough.set_result(None)
        if self._draining is None:
            self._draining = asyncio.create_task(self._drain())
        # A caller that goes away while queued is skipped; once its group has started, the
        # transaction goes on for the others (the debits then stand, as for a lone request).
        return await answer

    def _next_group(self) -> list[_Waiting]:
        group: list[_Waiting] = []
        debits = 0
        while self._waiting and (not group or debits + self._waiting[0].size <= MAX_GROUP_DEBITS):
            waiting = self._waiting.popleft()
            if waiting.answer.done():  # its caller was cancelled before it started
                continue
            group.append(waiting)
            debits += waiting.size
        return group

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._waiting:
                if self._linger:
                    await self._wait_for_company(loop)
                group = self._next_group()
                if group:
                    start = loop.time()
                    await self._run(group)
                    self._last = (len(group), start, loop.time())
        finally:
            self._draining = None
            while self._waiting:  # only when this task itself is cancelled (shutdown)
                self._waiting.popleft().answer.cancel()

    async def _wait_for_company(self, loop: asyncio.AbstractEventLoop) -> None:
        size, start, end = self._last
        wait = min(LINGER_LIMIT, (end - start) / 2) - (loop.time() - end)
        if len(self._waiting) >= size or wait <= 0:
            return
        self._enough = loop.create_future()
        try:
            await asyncio.wait_for(self._enough, wait)
        except TimeoutError:
            pass
        finally:
            self._enough = None

    async def _run(self, group: list[_Waiting]) -> None:
        try:
            answers = await self._apply([waiting.wanted for waiting in group])
        except Exception as error:
            if len(group) == 1 or isinstance(error, OperationalError):
                # OperationalError: the database itself (busy past the timeout, disk full, gone)
                # fails every request alike; trying them one by one would only wait longer.
                for waiting in group:
                    _settle(waiting, error=error)
                return
            # One request must not fail the others: each alone, with its own outcome.
            for waiting in group:
                await self._run([waiting])
            return
        except BaseException:
            for waiting in group:
                waiting.answer.cancel()
            raise
        for waiting, answer in zip(group, answers, strict=True):
            _settle(waiting, answer=answer)


def _settle(
    waiting: _Waiting, *, answer: Answers | None = None, error: Exception | None = None
) -> None:
    if waiting.answer.done():
        return
    if error is not None:
        waiting.answer.set_exception(error)
    else:
        assert answer is not None
        waiting.answer.set_result(answer)


# Queues by database, then by (event loop, floor, low-balance level): tests drive one Database
# from several loops, and the debit rules of a group must be the same for all its requests.
_queues: weakref.WeakKeyDictionary[
    Database, dict[tuple[asyncio.AbstractEventLoop, int, int], DebitQueue]
] = weakref.WeakKeyDictionary()


def queue_for(db: Database, floor: int, low_balance_level: int) -> DebitQueue:
    from credits_server.services import usage_debit_optimistic
    from credits_server.services.usage_debit import debit_accounts

    loop = asyncio.get_running_loop()
    queues = _queues.setdefault(db, {})
    key = (loop, floor, low_balance_level)
    queue = queues.get(key)
    if queue is None:
        for stale in [other for other in queues if other[0].is_closed()]:
            del queues[stale]

        database = weakref.ref(db)  # the queue is kept by the database, not the other way

        async def apply(requests: list[Wanted]) -> list[Answers]:
            db = database()
            assert db is not None, "the database of a live request was collected"
            if not db.is_sqlite:
                return await usage_debit_optimistic.debit(
                    db, requests, floor=floor, low_balance_level=low_balance_level
                )
            debits = sum(len(wanted) for request in requests for wanted in request.values())
            return await db.write_sync(
                lambda connection: debit_accounts(
                    connection, requests, floor=floor, low_balance_level=low_balance_level
                ),
                short=debits <= SHORT_GROUP_DEBITS,
            )

        queue = queues[key] = DebitQueue(apply, linger=not db.is_sqlite)
    return queue

"""Engine and sessions. SQLite gets WAL, a busy timeout, and BEGIN IMMEDIATE for writers."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import SingletonThreadPool

BUSY_TIMEOUT_MS = 30_000
# Commits on the event loop's thread between two checkpoints (which run off the loop).
LOOP_COMMITS_PER_CHECKPOINT = 64
T = TypeVar("T")


def normalise_url(url: str) -> str:
    """Plain `sqlite:` and `postgresql:` URLs are given their async drivers."""
    parsed = make_url(url)
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> AsyncEngine:
    url = normalise_url(url)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    # hide_parameters: an error message must never echo a row's values into a log.
    engine = create_async_engine(url, hide_parameters=True, pool_pre_ping=False)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine.sync_engine, busy_timeout_ms)
    return engine


def _configure_sqlite(
    engine: Engine, busy_timeout_ms: int = BUSY_TIMEOUT_MS, *, autocheckpoint: bool = True
) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We emit BEGIN ourselves (below), so the driver must not.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if not autocheckpoint:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get("begun_by_owner"):  # Database._on_loop began it on the sqlite3 connection
            return
        # Writers take the write lock up front: two deferred transactions that both later try to
        # write would deadlock (SQLITE_BUSY with no retry); IMMEDIATE waits in busy_timeout instead.
        mode = "IMMEDIATE" if options.get("write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """One engine and two ways into it: reading, and writing under the write lock."""

    def __init__(self, url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.busy_timeout_ms = busy_timeout_ms
        self.engine = make_engine(url, busy_timeout_ms)
        self._writer = self.engine.execution_options(write=True)
        self._write_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
        self._thread_writer: tuple[ThreadPoolExecutor, Engine] | None = None
        self._here_writer: Engine | None = None
        self._here_connections: dict[int, Connection] = {}  # by thread, as the pool's
        self._loop_commits = 0
        self._checkpoints: set[asyncio.Task[None]] = set()
        # A SQLite file (not :memory:, which another connection would not see) has a writer thread.
        self._has_file = self.is_sqlite and sqlite_path(url) is not None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction committed on leaving the block, rolled back on an exception.

        On SQLite the writers of this process queue on an asyncio lock: SQLite lets one writer in
        at a time anyway, and a writer waiting in its busy handler sleeps in steps of up to 100 ms
        instead of starting when the lock is free (busy_timeout still covers other processes).
        PostgreSQL is not serialised: its row locks order the writers of one account only.
        """
        if not self.is_sqlite:
            async with self._transaction() as session:
                yield session
            return
        async with self._write_lock(), self._transaction() as session:
            yield session

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        async with (
            AsyncSession(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    def _write_lock(self) -> asyncio.Lock:
        # One lock per event loop: an asyncio.Lock is bound to the loop that first waits on it,
        # and tests drive one Database from several loops.
        loop = asyncio.get_running_loop()
        lock = self._write_locks.get(loop)
        if lock is None:
            for stale in [other for other in self._write_locks if other.is_closed()]:
                del self._write_locks[stale]
            lock = self._write_locks[loop] = asyncio.Lock()
        return lock

    async def write_sync(self, work: Callable[[Connection], T], *, short: bool = False) -> T:
        """`work(connection)` in one write transaction, committed when it returns.

        On a SQLite file the whole transaction runs on one writer thread with its own connection
        (the same pragmas), in the queue of `write()`: one hop there and back instead of several
        per statement, each waiting for the event loop while the write lock is held. Elsewhere
        (PostgreSQL) it is `run_sync` on an ordinary write transaction: same code, same locks.

        `short` work (well under a millisecond) on a SQLite file runs right here on the event
        loop's thread when no writer of this process is in a transaction and no other process
        holds SQLite's write lock: the hop to the writer thread and back (executor, wake-ups, the
        two threads taking turns at the GIL) cost more than such a transaction. Should the
        database be busy, it goes to the writer thread as above, so the loop never waits for a
        lock; `work` may then run twice (the first try rolled back), so it must only use the
        connection.
        """
        if not self._has_file:
            async with self.write() as session:
                connection = await session.connection()
                return await connection.run_sync(work)
        if short and not self._write_lock().locked():
            # Nothing is awaited from this check to the commit: no writer of this process can
            # start in between.
            try:
                result = self._on_loop(work)
                self._count_loop_commit()
                return result
            except OperationalError as error:
                if "locked" not in str(error.orig) and "busy" not in str(error.orig):
                    raise
        executor, engine = self._thread_writer or self._start_thread_writer()

        def transaction() -> T:
            with engine.begin() as connection:
                return work(connection)

        async with self._write_lock():
            return await asyncio.get_running_loop().run_in_executor(executor, transaction)

    def _start_thread_writer(self) -> tuple[ThreadPoolExecutor, Engine]:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        self._thread_writer = (executor, self._sync_engine(self.busy_timeout_ms))
        return self._thread_writer

    def _on_loop(self, work: Callable[[Connection], T]) -> T:
        """`work` in one transaction on the loop's connection, kept open between transactions
        and begun and ended on the sqlite3 connection itself: the pool's checkout, reset and
        checkin and SQLAlchemy's BEGIN cost ~1/4 of a short usage debit's CPU (bench/FINDINGS.md
        section 4). Statements `work` runs through `connection` join this transaction."""
        connection = self._here_connections.get(threading.get_ident())
        if connection is None:
            connection = self._loop_writer().connect().execution_options(begun_by_owner=True)
            self._here_connections[threading.get_ident()] = connection
        raw = connection.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        try:
            raw.execute("BEGIN IMMEDIATE")
            try:
                result = work(connection)
                if connection.in_transaction():  # begun by a statement of `work`: ends ours too
                    connection.commit()
                else:
                    raw.commit()
            except BaseException:
                if connection.in_transaction():
                    connection.rollback()
                if raw.in_transaction:  # still open: a failed COMMIT (disk full) leaves it so
                    raw.rollback()
                raise
        except sqlite3.Error as error:  # as SQLAlchemy raises them (busy, disk full...)
            raise DBAPIError.instance(None, None, error, sqlite3.Error) from error
        return result

    def _loop_writer(self) -> Engine:
        if self._here_writer is None:
            # Busy at once (no busy handler): the event loop must never sleep on a lock. No
            # checkpoint at its commits either: one copies the WAL into the database and syncs
            # it (about 5 ms here, far more on slow disks) while every request waits.
            self._here_writer = self._sync_engine(busy_timeout_ms=0, autocheckpoint=False)
        return self._here_writer

    def _count_loop_commit(self) -> None:
        """Every LOOP_COMMITS_PER_CHECKPOINT commits on the loop, a checkpoint off the loop."""
        self._loop_commits += 1
        if self._loop_commits % LOOP_COMMITS_PER_CHECKPOINT == 0:
            task = asyncio.ensure_future(self._checkpoint())
            self._checkpoints.add(task)
            task.add_done_callback(self._checkpoints.discard)

    async def _checkpoint(self) -> None:
        # Under the write lock: with no commit of ours in between, the checkpoint catches up with
        # the whole log, and the next writer starts the log over instead of growing it.
        executor, engine = self._thread_writer or self._start_thread_writer()

        def checkpoint() -> None:
            raw = engine.raw_connection()  # no transaction: a checkpoint cannot run inside one
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                raw.close()

        async with self._write_lock():
            await asyncio.get_running_loop().run_in_executor(executor, checkpoint)

    def _sync_engine(
        self, busy_timeout_ms: int = BUSY_TIMEOUT_MS, *, autocheckpoint: bool = True
    ) -> Engine:
        url = make_url(str(self.engine.url)).set(drivername="sqlite+pysqlite")
        base = create_engine(
            url,
            hide_parameters=True,
            poolclass=SingletonThreadPool,  # one connection per thread, kept open
            connect_args={"check_same_thread": False},  # closed by dispose() from elsewhere
        )
        _configure_sqlite(base, busy_timeout_ms, autocheckpoint=autocheckpoint)
        return base.execution_options(write=True)

    async def dispose(self) -> None:
        loop = asyncio.get_running_loop()
        for checkpoint in [task for task in self._checkpoints if task.get_loop() is loop]:
            await checkpoint
        for connection in self._here_connections.values():
            connection.close()
        self._here_connections.clear()
        if self._here_writer is not None:
            self._here_writer.dispose()
            self._here_writer = None
        if self._thread_writer is not None:
            executor, engine = self._thread_writer
            self._thread_writer = None
            await asyncio.get_running_loop().run_in_executor(executor, engine.dispose)
            executor.shutdown(wait=False)
        await self.engine.dispose()

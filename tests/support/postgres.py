"""Private PostgreSQL databases for test sessions, on the cluster scripts/test starts.

scripts/test exports ``CREDITS_TEST_DATABASE_URL`` (e.g.
``postgresql+asyncpg://postgres@127.0.0.1:PORT/credits``) for its PostgreSQL pass. Each server a
test session starts gets a database of its own on that cluster (``private_database_url``), dropped
afterwards (``drop_database``): pytest-xdist workers, and servers with other settings, never share
rows, migrations or recharge workers by accident. ``test_database_url()``: None in the SQLite pass.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

ENVIRONMENT = "CREDITS_TEST_DATABASE_URL"


def test_database_url() -> str | None:
    return os.environ.get(ENVIRONMENT) or None


def _in_thread(coro: Coroutine[Any, Any, None]) -> None:
    """Run to the end from sync or async code alike (its own loop, in another thread)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result(timeout=60)


async def _admin(url: str, statement: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def private_database_url(prefix: str = "test") -> str | None:
    """A new, empty database on the test cluster (None in the SQLite pass)."""
    base = test_database_url()
    if base is None:
        return None
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{secrets.token_hex(6)}"
    _in_thread(_admin(base, f'CREATE DATABASE "{name}"'))
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database `private_database_url` made (its connections are closed first)."""
    base = test_database_url()
    assert base is not None
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    _in_thread(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

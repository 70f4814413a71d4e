"""Apply the Alembic migrations shipped inside the package, programmatically."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from credits_server.db import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_REVISION = re.compile(r"^revision(?:: [^=]+)? = [\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:: [^=]+)? = [\"']([^\"']+)[\"']", re.MULTILINE)


def script_head() -> str | None:
    """The newest revision in migrations/versions, read without importing Alembic (which is slow
    to import), so a start-up on an up-to-date database skips it. None if not a single head."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        if found := _REVISION.search(source):
            revisions.add(found.group(1))
        if down := _DOWN.search(source):
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(text("select version_num from alembic_version")).first()
    return None if row is None else str(row[0])


def _upgrade(connection: Connection, revision: str) -> None:
    if (
        revision == "head"
        and (head := script_head()) is not None
        and current_revision(connection) == head
    ):
        return
    from alembic import command

    command.upgrade(alembic_config(connection), revision)


MIGRATION_LOCK = 0x63726564  # "cred": the PostgreSQL advisory lock one migration holds


async def migrate(url: str, revision: str = "head") -> None:
    """Upgrade in one transaction that first takes the database's write lock, so several
    `serve --migrate` processes starting at once migrate one after another (the later ones find
    the schema at head) instead of racing to create the same tables."""
    engine = make_engine(url)
    try:
        # SQLite: BEGIN IMMEDIATE (db.py); PostgreSQL: a transaction-scoped advisory lock.
        async with engine.execution_options(write=True).begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            await conn.run_sync(_upgrade, revision)
    finally:
        await engine.dispose()


def migrate_sync(url: str, revision: str = "head") -> None:
    asyncio.run(migrate(url, revision))


async def database_revision(url: str) -> str | None:
    """The revision the database at `url` is migrated to; None if never migrated."""
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(current_revision)
    finally:
        await engine.dispose()


def schema_problem(url: str) -> str | None:
    """Why `serve` must not start on this database without migrating, or None: its schema is
    the head of the migrations shipped in this package."""
    head = script_head()
    current = asyncio.run(database_revision(url))
    if current == head:
        return None
    if current is None:
        return "the database was never migrated: run `credits-server migrate`, or serve --migrate"
    return (
        f"the database schema is at {current}, not {head}: run `credits-server migrate`, "
        "or serve --migrate"
    )


async def autogenerate(url: str, message: str) -> None:
    """Developer helper: write a new revision from the difference between models and `url`."""
    from alembic import command

    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(
                lambda sync: command.revision(
                    alembic_config(sync), message=message, autogenerate=True
                )
            )
    finally:
        await engine.dispose()

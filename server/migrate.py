"""Apply the Alembic migrations shipped inside the package, programmatically."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from server.db import make_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def migrate(url: str, revision: str = "head") -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))
    finally:
        await engine.dispose()


def migrate_sync(url: str, revision: str = "head") -> None:
    asyncio.run(migrate(url, revision))


async def autogenerate(url: str, message: str) -> None:
    """Developer helper: write a new revision from the difference between models and `url`."""
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

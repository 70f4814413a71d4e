"""The shipped migrations build exactly the schema the models describe."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from credits_server.db import make_engine
from credits_server.gateway.registry import schema
from credits_server.migrate import (
    MIGRATIONS,
    alembic_config,
    current_revision,
    migrate,
    script_head,
)


def test_the_quick_head_reading_agrees_with_alembic() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == script_head()
    assert MIGRATIONS.joinpath("env.py").exists()


def test_migrated_database_matches_the_models(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"

    def inspect_schema(connection: Connection) -> tuple[str | None, list[object]]:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        return current_revision(connection), list(compare_metadata(context, schema()))

    async def check() -> tuple[str | None, list[object]]:
        await migrate(url)
        await migrate(url)  # a second run is a no-op
        engine = make_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(inspect_schema)
        finally:
            await engine.dispose()

    assert asyncio.run(check()) == (script_head(), [])

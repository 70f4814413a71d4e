"""Health: `serve` refuses a database behind the migrations' head unless told to migrate;
/v1/ready answers 503 until the database answers at the head; /v1/live reads nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from credits_server.migrate import script_head
from tests.credits_server.test_operator_errors import one_line, run
from tests.support.live_server import LiveServer


def set_revision(server: LiveServer, revision: str) -> None:
    async def action(ctx: Any) -> None:
        from sqlalchemy import text

        async with ctx.db.write() as session:
            await session.execute(
                text("update alembic_version set version_num = :r"), {"r": revision}
            )

    server.run(action)


def test_serve_refuses_a_database_never_migrated(tmp_path: Path) -> None:
    line = one_line(run(tmp_path, "serve", "--port", "1"))
    assert line == (
        "credits-server: the database was never migrated: run `credits-server migrate`, "
        "or serve --migrate"
    )


def test_serve_refuses_a_database_behind_the_head(tmp_path: Path) -> None:
    assert run(tmp_path, "migrate", CREDITS_SERVER_LOG_FILE=str(tmp_path / "log")).returncode == 0
    import sqlite3

    with sqlite3.connect(tmp_path / "ops.db") as db:
        db.execute("update alembic_version set version_num = '0004'")
    line = one_line(run(tmp_path, "serve", "--port", "1"))
    assert f"the database schema is at 0004, not {script_head()}" in line


def test_ready_answers_the_schema_and_503_when_it_is_not_the_head(
    live_server: LiveServer,
) -> None:
    head = script_head()
    ready = httpx.get(f"{live_server.url}/v1/ready", timeout=30)
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "schema_revision": head})
    assert httpx.get(f"{live_server.url}/v1/live", timeout=30).json() == {"status": "alive"}

    assert head is not None
    set_revision(live_server, "0004")
    try:
        behind = httpx.get(f"{live_server.url}/v1/ready", timeout=30)
        live = httpx.get(f"{live_server.url}/v1/live", timeout=30)
    finally:
        set_revision(live_server, head)
    assert behind.status_code == 503
    assert behind.headers["content-type"] == "application/problem+json"
    assert behind.json()["code"] == "schema_not_current"
    assert live.status_code == 200
    assert httpx.get(f"{live_server.url}/v1/ready", timeout=30).status_code == 200

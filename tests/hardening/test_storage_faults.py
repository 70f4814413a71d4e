"""The database busy (another process holds SQLite's write lock) and the disk full, on a server
of the test's own: no write lost, a clear error, no corruption."""

from __future__ import annotations

import resource
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.hardening.conftest import assert_problem
from tests.support.live_server import ServerProcess, start_server
from tests.support.operator_cli import run_credits_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = start_server(tmp_path)
    try:
        yield process
    finally:
        process.stop()


def _sign_up(server: ServerProcess) -> dict[str, str]:
    """An owner made with the server's own CLI (in this process); its session header."""
    email = f"ops-{uuid.uuid4().hex[:8]}@example.test"
    made = run_credits_server(
        ["create-user", "--email", email, "--account", "Acme"],
        server.server_env(),
        stdin="a long enough password\n",
    )
    assert made.returncode == 0, made.stderr
    session = httpx.post(
        f"{server.url}/v1/sessions", json={"email": email, "password": "a long enough password"}
    )
    assert session.status_code == 201, session.text
    return {"Authorization": f"Bearer {session.json()['token']}"}


def _support(index: int) -> dict[str, object]:
    return {"amount": 200000 + index, "message": f"request {index} " + "x" * 1500, "contact": "a@b"}


def test_a_write_waits_for_a_busy_database_and_is_kept(server: ServerProcess) -> None:
    headers = _sign_up(server)
    holder = sqlite3.connect(server.database_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    released = threading.Timer(1.0, holder.execute, args=("COMMIT",))
    released.start()
    try:
        answer = httpx.post(
            f"{server.url}/v1/support-requests", json=_support(1), headers=headers, timeout=30
        )
    finally:
        released.join()
        holder.close()
    assert answer.status_code == 201, answer.text
    listed = httpx.get(f"{server.url}/v1/support-requests", headers=headers).json()["data"]
    assert [r["amount"] for r in listed] == [200001]


def test_a_database_busy_past_the_timeout_is_503_and_writes_nothing(tmp_path: Path) -> None:
    # The timeout is a setting (30 s by default); a short one lets the test see the refusal.
    server = start_server(tmp_path, env={"CREDITS_SERVER_DATABASE_BUSY_TIMEOUT_MS": "300"})
    try:
        headers = _sign_up(server)
        holder = sqlite3.connect(server.database_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock, and keeps it
        try:
            refused = httpx.post(
                f"{server.url}/v1/support-requests", json=_support(1), headers=headers, timeout=30
            )
            # Reads still work while the writer is locked out.
            listed = httpx.get(f"{server.url}/v1/support-requests", headers=headers)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        problem = assert_problem(refused, 503)
        assert problem["code"] == "database_busy"
        assert int(refused.headers["retry-after"]) >= 1
        assert listed.status_code == 200
        assert listed.json()["data"] == []
        # Nothing was half written: trying again once the lock is free files exactly one.
        again = httpx.post(
            f"{server.url}/v1/support-requests", json=_support(1), headers=headers, timeout=30
        )
        assert again.status_code == 201, again.text
        listed = httpx.get(f"{server.url}/v1/support-requests", headers=headers).json()["data"]
        assert [r["amount"] for r in listed] == [200001]
    finally:
        server.stop()


def test_a_full_disk_is_a_clear_error_and_leaves_the_database_whole(
    server: ServerProcess,
) -> None:
    headers = _sign_up(server)
    assert server.process is not None
    files = [server.database_path, Path(f"{server.database_path}-wal"), server.log_path]
    largest = max(path.stat().st_size for path in files if path.exists())
    # The disk "fills": no file of the server may grow past a little above its largest today.
    limit = largest + 64 * 1024
    unlimited = resource.RLIM_INFINITY  # the hard limit stays, so the soft one can come back
    resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, (limit, unlimited))
    saved: list[int] = []
    refused: httpx.Response | None = None
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        for index in range(400):
            answer = client.post("/v1/support-requests", json=_support(index))
            if answer.status_code != 201:
                refused = answer
                break
            saved.append(200000 + index)
        assert refused is not None, "the file size limit was never reached"
        problem = assert_problem(refused, 507)
        assert problem["code"] == "storage_full"
        # Reads still work while the disk is full.
        assert client.get("/v1/account").status_code == 200
    resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, (unlimited, unlimited))
    server.stop()
    # Intact, and every write that was answered 201 is there.
    check = sqlite3.connect(server.database_path)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    amounts = [row[0] for row in check.execute("SELECT amount FROM support_requests")]
    check.close()
    assert sorted(amounts) == saved
    server.start()
    assert httpx.get(f"{server.url}/v1/support-requests", headers=headers).status_code == 200

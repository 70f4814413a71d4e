"""A debit while another process holds SQLite's write lock: it waits for the lock (off the event
loop, which keeps answering) and is applied once the lock is free. On a SQLite file of its own,
in both passes: the lock it tests is SQLite's."""

from __future__ import annotations

import resource
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support.engine import make_api_key, post_usage, usage
from tests.support.live_server import LiveServer


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path)
    with server.running():
        yield server


def test_a_debit_waits_for_a_busy_database_and_the_server_keeps_answering(
    sqlite_server: LiveServer,
) -> None:
    key = make_api_key(sqlite_server)
    owner = sqlite_server.make_owner(balance=1000)
    post_usage(sqlite_server, key, usage(owner.account_id, 10))  # the quick path, once
    holder = sqlite3.connect(sqlite_server.database_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    with ThreadPoolExecutor(1) as pool:
        try:
            debit = pool.submit(post_usage, sqlite_server, key, usage(owner.account_id, 25))
            # The event loop is not held by the waiting debit: other requests are answered.
            for _ in range(20):
                info = httpx.get(f"{sqlite_server.url}/v1/server-info", timeout=30)
                assert info.status_code == 200
            assert not debit.done()
        finally:
            holder.execute("COMMIT")
            holder.close()
        answer = debit.result(timeout=60)
    assert answer.status_code == 201, answer.text
    assert answer.json()["balance_after"] == 1000 - 10 - 25
    assert sqlite_server.balance(owner.account_id) == 965


def test_the_wal_stays_small_while_debits_commit_one_by_one(sqlite_server: LiveServer) -> None:
    # Debits one after another each commit on the event loop's thread, which never checkpoints
    # (a checkpoint syncs the disk while every request waits); the writer thread does, often
    # enough that the write-ahead log does not grow with the ledger.
    key = make_api_key(sqlite_server)
    owner = sqlite_server.make_owner(balance=1_000_000)
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=sqlite_server.url, headers=headers, timeout=30) as client:
        for _ in range(1500):
            answer = client.post("/v1/usage", json=usage(owner.account_id, 1))
            assert answer.status_code == 201, answer.text
    # Without the checkpoints the log held every debit: 49 MB here. With them it stays near
    # SQLite's own autocheckpoint size (1,000 pages, 4 MB), whatever the machine's load.
    wal = Path(f"{sqlite_server.database_path}-wal")
    assert wal.stat().st_size < 8 * 1024 * 1024
    assert sqlite_server.balance(owner.account_id) == 1_000_000 - 1500


def test_a_full_disk_refuses_debits_with_507_and_keeps_every_answered_one(
    sqlite_server: LiveServer,
) -> None:
    key = make_api_key(sqlite_server)
    owner = sqlite_server.make_owner(balance=1_000_000)
    assert sqlite_server.process is not None
    files = [
        sqlite_server.database_path,
        Path(f"{sqlite_server.database_path}-wal"),
        sqlite_server.log_path,
    ]
    largest = max(path.stat().st_size for path in files if path.exists())
    # The disk "fills": no file of the server may grow past a little above its largest today.
    unlimited = resource.RLIM_INFINITY
    resource.prlimit(
        sqlite_server.process.pid, resource.RLIMIT_FSIZE, (largest + 64 * 1024, unlimited)
    )
    applied = 0
    refused: httpx.Response | None = None
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=sqlite_server.url, headers=headers, timeout=30) as client:
        for _ in range(5000):
            answer = client.post("/v1/usage", json=usage(owner.account_id, 1))
            if answer.status_code != 201:
                refused = answer
                break
            applied += 1
    resource.prlimit(sqlite_server.process.pid, resource.RLIMIT_FSIZE, (unlimited, unlimited))
    assert refused is not None, "the file size limit was never reached"
    assert refused.status_code == 507, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "storage_full"
    # Every debit answered 201 is in the ledger, and only those; the next one goes through.
    assert sqlite_server.balance(owner.account_id) == 1_000_000 - applied
    assert len(sqlite_server.ledger(owner.account_id)) == 1 + applied
    assert post_usage(sqlite_server, key, usage(owner.account_id, 1)).status_code == 201
    check = sqlite3.connect(sqlite_server.database_path)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()

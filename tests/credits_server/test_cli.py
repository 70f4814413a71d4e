"""The installed `credits-server` commands the app's embedded mode and operators rely on."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import credits_server_executable
from tests.support.operator_cli import run_credits_server
from tests.support.wait import wait_for


def run(
    tmp_path: Path, *args: str, stdin: str = "", installed: bool = False
) -> subprocess.CompletedProcess[str]:
    """The command on `tmp_path`'s database: in this process (tests/support/operator_cli.py), or,
    when `installed`, as the installed console script in a process of its own."""
    env = dict(os.environ)
    env["CREDITS_SERVER_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    env["CREDITS_SERVER_CONFIG"] = str(tmp_path / "none.toml")
    if not installed:
        return run_credits_server(args, env, stdin)
    return subprocess.run(
        [credits_server_executable(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def ledger_of(database: Path) -> list[tuple[str, int, int]]:
    with sqlite3.connect(database) as db:
        return list(
            db.execute("select kind, amount, balance_after from ledger_entries order by id")
        )


def test_seed_demo_twice_changes_nothing(tmp_path: Path) -> None:
    assert run(tmp_path, "migrate").returncode == 0
    assert run(tmp_path, "seed-demo").returncode == 0
    first = ledger_of(tmp_path / "cli.db")
    second_run = run(tmp_path, "seed-demo")
    assert second_run.returncode == 0
    assert ledger_of(tmp_path / "cli.db") == first
    assert second_run.stdout == ""
    balance = sum(amount for _, amount, _ in first)
    assert 4000 <= balance <= 6500
    assert first[-1][2] == balance
    kinds = {kind for kind, _, _ in first}
    assert kinds == {"topup", "usage"}
    with sqlite3.connect(tmp_path / "cli.db") as db:
        (accounts,) = db.execute("select count(*) from accounts").fetchone()
        cards = list(db.execute("select brand, last4, is_default from payment_methods"))
        days = db.execute(
            "select julianday(max(created_at)) - julianday(min(created_at)) from ledger_entries"
        ).fetchone()[0]
    assert accounts == 1
    assert cards == [("visa", "4242", 1)]
    assert days > 25


def test_create_user_reads_the_password_from_stdin_and_can_sign_in(tmp_path: Path) -> None:
    assert run(tmp_path, "migrate").returncode == 0
    made = run(
        tmp_path,
        "create-user",
        "--email",
        "Ops@Acme.test",
        "--account",
        "Acme",
        "--role",
        "owner",
        stdin="a long password\n",
        installed=True,  # the password on a pipe, as a script gives it
    )
    assert made.returncode == 0, made.stderr
    again = run(
        tmp_path,
        "create-user",
        "--email",
        "ops@acme.test",
        "--account",
        "Acme",
        stdin="another password\n",
        installed=True,
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr
    socket_path = tmp_path / "s.sock"
    env = dict(os.environ)
    env["CREDITS_SERVER_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    env["CREDITS_SERVER_CONFIG"] = str(tmp_path / "none.toml")
    env["CREDITS_SERVER_LOG_FILE"] = str(tmp_path / "requests.log")
    server = subprocess.Popen(
        [credits_server_executable(), "serve", "--uds", str(socket_path), "--demo", "--migrate"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        transport = httpx.HTTPTransport(uds=str(socket_path))
        with httpx.Client(transport=transport, base_url="http://credits") as client:

            def started() -> bool:
                try:
                    client.get("/v1/server-info")
                except httpx.TransportError:
                    return False
                return True

            wait_for(started, within=30, what="the server started")
            info = client.get("/v1/server-info")
            assert info.json()["demo"] == {"email": "demo@example.com", "password": "demo-password"}
            ops = client.post(
                "/v1/sessions", json={"email": "ops@acme.test", "password": "a long password"}
            )
            demo = client.post(
                "/v1/sessions", json={"email": "demo@example.com", "password": "demo-password"}
            )
        assert ops.status_code == 201
        assert ops.json()["user"]["role"] == "owner"
        assert demo.status_code == 201
    finally:
        server.terminate()
        out, err = server.communicate(timeout=15)
    assert out == b""
    assert err == b""  # nothing noisy: the request log went to its file


@pytest.mark.parametrize("args", [["serve", "--help"], ["create-user", "--help"]])
def test_subcommands_have_help(tmp_path: Path, args: list[str]) -> None:
    result = run(tmp_path, *args)
    assert result.returncode == 0
    assert "usage: credits-server" in result.stdout

"""The app as people really run it: over SSH, keys only; and what a dropped link leaves behind."""

from __future__ import annotations

import os
import shlex
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Home, credits_tui_executable
from tests.e2e.flow import open_payment_for_50_with_a_new_card, sign_in
from tests.e2e.test_newcomer_flow import newcomer_session
from tests.support.sshd import SshServer
from tests.support.terminal import TmuxTerminal

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    server = SshServer(tmp_path_factory.mktemp("sshd"))
    yield server
    server.close()


def over_ssh(home: Home, sshd: SshServer) -> TmuxTerminal:
    """A local 80x24 terminal running `ssh -tt` into this machine, which starts credits-tui."""
    assignments = [f"{key}={value}" for key, value in home.env.items()]
    remote = shlex.join(["env", *assignments, credits_tui_executable()])
    return TmuxTerminal(sshd.ssh_command(remote), env={"TERM": "xterm-256color"})


def ledger_state(database: Path) -> tuple[int, int, int]:
    """Demo Co's balance, its ledger entry count and its top-up count, read from the database."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        (account_id, balance) = db.execute(
            "SELECT id, balance FROM accounts WHERE name = 'Demo Co'"
        ).fetchone()
        (entries,) = db.execute(
            "SELECT count(*) FROM ledger_entries WHERE account_id = ?", (account_id,)
        ).fetchone()
        (topups,) = db.execute(
            "SELECT count(*) FROM topups WHERE account_id = ?", (account_id,)
        ).fetchone()
    return balance, entries, topups


def test_the_newcomer_flow_over_ssh(home: Home, sshd: SshServer) -> None:
    newcomer_session(home, lambda: over_ssh(home, sshd))


def test_a_dropped_link_leaves_no_server_and_no_half_applied_change(
    home: Home, sshd: SshServer
) -> None:
    terminal = over_ssh(home, sshd)
    try:
        sign_in(terminal)
        before = ledger_state(home.data_dir / "credits.db")
        open_payment_for_50_with_a_new_card(terminal)  # typed, not paid
        ssh_client = int(terminal.pane_pid())
        os.kill(ssh_client, signal.SIGKILL)  # the link drops: sshd hangs up the remote session
        home.wait_until_no_server()
    finally:
        terminal.close()
    assert ledger_state(home.data_dir / "credits.db") == before

"""`credits-tui balance` and `logout`, for scripts and cron, on a session the app remembered."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.e2e.conftest import Home, credits_tui_executable
from tests.e2e.flow import DEMO_EMAIL, DEMO_PASSWORD, Api

pytestmark = pytest.mark.e2e


def run(home: Home, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [credits_tui_executable(), *args],
        env=home.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_balance_follows_the_remembered_session_and_logout_forgets_it(home: Home) -> None:
    terminal = home.terminal()
    try:
        terminal.wait_for("(online)")
        terminal.settle()
        terminal.type(DEMO_EMAIL)
        terminal.press("Tab")
        terminal.settle()
        terminal.type(DEMO_PASSWORD)
        terminal.press("Tab")
        terminal.settle()
        terminal.press("Space")  # tick "Remember me on this computer"
        terminal.settle()
        terminal.press("Tab")  # to "Sign in"
        terminal.settle()
        terminal.press("Enter")
        terminal.wait_for("Recent transactions")
        api = Api(home.runtime_dir / "server.sock")
        expected = api.get("/v1/account")
        api.close()
        terminal.type("q")
        terminal.wait_for_exit()
    finally:
        terminal.close()

    answer = run(home, "balance", "--json")
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout) == {
        "account": "Demo Co",
        "balance": expected["balance"],
        "currency": "USD",
        "low_balance": expected["low_balance"],
    }
    text = run(home, "balance")
    assert text.stdout.startswith("Demo Co: $")

    assert run(home, "logout").stdout.startswith("Signed out")
    after = run(home, "balance")
    assert after.returncode == 2
    assert "not signed in" in after.stderr
    home.wait_until_no_server()

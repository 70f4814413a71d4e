"""`credits-tui balance` with nobody remembered answers at once, without starting a server."""

from __future__ import annotations

import subprocess

import pytest

from tests.e2e.conftest import Home, credits_tui_executable

pytestmark = pytest.mark.e2e

NOT_SIGNED_IN = (
    "credits-tui: not signed in. Start credits-tui and sign in with "
    '"Remember me" ticked (or set remember_session = true).\n'
)


def test_balance_with_no_remembered_session_starts_no_server(home: Home) -> None:
    result = subprocess.run(
        [credits_tui_executable(), "balance"],
        env=home.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (2, "", NOT_SIGNED_IN)
    # No runtime directory: no socket was made and no server was asked to start.
    assert not (home.root / "run" / "credits-tui").exists()
    assert not home.server_processes()

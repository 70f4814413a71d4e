"""`credits-tui balance` on a configured server that cannot be reached gives up in seconds.

Cron runs it: the 30 s allowed for the embedded server to start do not apply to a server named
by api_url, which either answers now or is down."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.ports import free_port

# Far below the 30 s the embedded server is given, far above the client's retries (~2 s).
GIVE_UP_WITHIN = 15.0


def test_balance_on_a_configured_server_that_is_down_fails_within_seconds() -> None:
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there: connection refused
    command = [str(Path(sys.executable).parent / "credits-tui"), "--api-url", nobody, "balance"]
    # TimeoutExpired (a failure) when it still waits the embedded server's start-up time.
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=GIVE_UP_WITHIN, check=False
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "credits-tui: the credits server cannot be reached\n"

"""`credits-tui balance` on a configured server that cannot be reached gives up in seconds.

Cron runs it: the 30 s allowed for the embedded server to start do not apply to a server named
by api_url, which either answers now or is down."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from credits_client.api.models import User
from credits_client.session_file import RememberedSession, SessionFile
from tests.support.ports import free_port

# Far below the 30 s the embedded server is given, far above the client's retries (~2 s).
GIVE_UP_WITHIN = 15.0


def test_balance_on_a_configured_server_that_is_down_fails_within_seconds() -> None:
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there: connection refused
    # Signed in there with "Remember me" (without it, balance says "not signed in" at once).
    user = User(id="usr_1", email="ops@acme.test", role="owner", account_id="acc_1")
    expires_at = datetime.now(UTC) + timedelta(days=1)
    SessionFile().save(RememberedSession(nobody, SecretStr("a-token"), expires_at, user))
    command = [str(Path(sys.executable).parent / "credits-tui"), "--api-url", nobody, "balance"]
    # TimeoutExpired (a failure) when it still waits the embedded server's start-up time.
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=GIVE_UP_WITHIN, check=False
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "credits-tui: the credits server cannot be reached\n"

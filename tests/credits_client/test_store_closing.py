"""Closing the store while background work is pending, or about to start, leaves nothing behind.

Run in subprocesses: what matters is what a person sees on stderr when the program ends (a
"coroutine ... was never awaited" or "Task exception was never retrieved" appears only then)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from credits_client.api.models import User
from credits_client.session_file import RememberedSession, SessionFile, session_path
from tests.support.live_server import LiveServer, Owner
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def _python(source: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `source` with `args` in a fresh interpreter, with Python's warnings shown as they
    are to a user who turned them on."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(source), *args],
        env={**os.environ, "PYTHONWARNINGS": "default"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --- the store on its own -----------------------------------------------------------------------
_CLOSE_RIGHT_AFTER_GOING_OFFLINE = """
    import asyncio
    import sys
    from pathlib import Path

    from tests.support.faults import FaultyLink
    from credits_client.api.client import CreditsClient
    from credits_client.api.logs import configure_logging
    from credits_client.session_file import SessionFile
    from credits_client.store import AccountStore

    async def main(session_path: str) -> None:
        link = FaultyLink()
        link.down = True  # a connection fault on every request
        url = "http://credits.test"
        store = AccountStore(
            CreditsClient(url, transport=link),
            server_key=url,
            session_file=SessionFile(Path(session_path)),
            connect_timeout=0.2,
        )
        await store.connect()  # gives up: offline, and the probe is about to start
        print(store.state.connection)
        await store.close()  # at once, as `credits-tui balance` does

    configure_logging(None)  # as the app does: no log file, no log on the terminal
    asyncio.run(main(sys.argv[1]))
"""


def test_closing_right_after_going_offline_leaves_no_coroutine_unawaited(tmp_path: Path) -> None:
    result = _python(_CLOSE_RIGHT_AFTER_GOING_OFFLINE, str(tmp_path / "session.json"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "offline\n", "")


_SIGN_IN_LOST_AFTER_CLOSE = """
    import asyncio
    import sys
    from pathlib import Path

    import httpx

    from tests.support.faults import FaultyLink
    from credits_client.api.client import CreditsClient
    from credits_client.api.logs import configure_logging
    from credits_client.api.errors import ServerUnreachable
    from credits_client.session_file import SessionFile
    from credits_client.store import AccountStore

    async def main(url: str, email: str, password: str, session_path: str) -> None:
        arrived, closed = asyncio.Event(), asyncio.Event()

        async def lost_after_close(request, real):
            arrived.set()
            await closed.wait()
            raise httpx.ReadTimeout("timed out", request=request)

        link = FaultyLink()
        link.add("POST", "/v1/sessions", lost_after_close)
        store = AccountStore(
            CreditsClient(url, transport=link),
            server_key=url,
            session_file=SessionFile(Path(session_path)),
        )
        signing_in = asyncio.create_task(store.login(email, password, remember=False))
        await arrived.wait()
        await store.close()  # the app quits while the sign-in is on its way
        closed.set()
        try:
            await signing_in
        except ServerUnreachable:
            print("sign-in: no answer")

    configure_logging(None)
    asyncio.run(main(*sys.argv[1:]))
"""


def test_a_call_that_fails_after_the_store_closed_starts_no_background_work(
    live_server: LiveServer, owner: Owner, tmp_path: Path
) -> None:
    result = _python(
        _SIGN_IN_LOST_AFTER_CLOSE,
        live_server.url,
        owner.email,
        owner.password,
        str(tmp_path / "session.json"),
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "sign-in: no answer\n", "")


# --- `credits-tui balance` ------------------------------------------------------------------------
# stamina's testing mode: one attempt, no backoff, so giving up takes no 30 s; nothing else changes.
_BALANCE_WITHOUT_RETRY_WAITS = """
    import sys

    import stamina

    from tui.cli import main

    stamina.set_testing(True, attempts=1)
    raise SystemExit(main(sys.argv[1:]))
"""


def test_balance_with_no_server_shows_only_its_own_message_on_stderr() -> None:
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there: connection refused
    user = User(id="usr_1", email="ops@acme.test", role="owner", account_id="acc_1")
    expires_at = datetime.now(UTC) + timedelta(days=1)  # remembered: balance asks the server
    SessionFile(session_path()).save(RememberedSession(nobody, SecretStr("t"), expires_at, user))
    result = _python(_BALANCE_WITHOUT_RETRY_WAITS, "--api-url", nobody, "balance")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "credits-tui: the credits server cannot be reached\n"


# respx makes every account read a refused connection (a fault the real server cannot produce on
# demand); everything else reaches the live server. The client's retries run as usual.
_BALANCE_WITH_ACCOUNT_READS_REFUSED = """
    import sys

    import httpx
    import respx

    from tui.cli import main

    with respx.mock(assert_all_called=False) as router:
        router.get(path="/v1/account").mock(side_effect=httpx.ConnectError("refused"))
        router.route().pass_through()
        code = main(sys.argv[1:])
    raise SystemExit(code)
"""


def test_balance_that_loses_the_server_midway_shows_only_its_own_message_on_stderr(
    live_server: LiveServer, owner: Owner
) -> None:
    SessionFile(session_path()).save(
        RememberedSession(
            server=live_server.url,
            token=SecretStr(owner.token),
            expires_at=datetime.now(UTC) + timedelta(days=1),
            user=User(
                id=owner.user_id, email=owner.email, role="owner", account_id=owner.account_id
            ),
        )
    )
    result = _python(_BALANCE_WITH_ACCOUNT_READS_REFUSED, "--api-url", live_server.url, "balance")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "credits-tui: the credits server cannot be reached\n"

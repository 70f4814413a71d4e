"""Every `credits-tui` command, run as installed, says what went wrong in one line on stderr:
exit 2 for a bad argument or a request the server refused (a person must act), 1 for a server
that cannot be reached (it may pass: try again later)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from credits_client.api.models import User
from credits_client.session_file import RememberedSession, SessionFile
from tests.support.live_server import LiveServer
from tests.support.ports import free_port


def credits_tui(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    command = [str(Path(sys.executable).parent / "credits-tui"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def remember(home: Path, server: str, token: str = "a-token") -> None:
    """`home` is signed in to `server` with "Remember me"."""
    user = User(id="usr_1", email="ops@acme.test", role="owner", account_id="acc_1")
    expires_at = datetime.now(UTC) + timedelta(days=1)
    session = RememberedSession(server, SecretStr(token), expires_at, user)
    SessionFile(home / "state" / "credits-tui" / "session.json").save(session)


def one_line(answer: subprocess.CompletedProcess[str], status: int, start: str) -> None:
    # (serve-ssh prints its host key's fingerprint on stdout before it asks the service.)
    assert answer.returncode == status, answer.stderr
    assert answer.stderr.startswith(start), answer.stderr
    assert answer.stderr.count("\n") == 1, answer.stderr


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (("nosuch",), "credits-tui: argument COMMAND: invalid choice: 'nosuch'"),
        (("balance", "--bogus"), "credits-tui: unrecognized arguments: --bogus"),
        (("logout", "now"), "credits-tui: unrecognized arguments: now"),
        (("config-path", "x"), "credits-tui: unrecognized arguments: x"),
        (("receipt",), "credits-tui receipt: the following arguments are required: ID"),
        (
            ("export", "--from", "2026-13-01", "--csv", "x.csv"),
            "credits-tui export: argument --from: '2026-13-01' is not a date like 2026-12-31",
        ),
        (
            ("serve-ssh", "--port", "99999"),
            "credits-tui serve-ssh: argument --port: '99999' is not a TCP port",
        ),
    ],
)
def test_a_bad_argument_is_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], start: str
) -> None:
    answer = credits_tui(tmp_path, *args)
    one_line(answer, 2, start)
    assert answer.stderr.rstrip().endswith("--help)")


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (("receipt", "rc_1"), "credits-tui: the credits server cannot be reached"),
        (("export", "--csv", "x.csv"), "credits-tui: the credits server cannot be reached"),
        (("serve-ssh", "--port", "0"), "credits-tui serve-ssh: The credits server at "),
    ],
)
def test_an_unreachable_server_is_one_line_and_exit_1(
    tmp_path: Path, args: tuple[str, ...], start: str
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there: connection refused
    remember(tmp_path, nobody)
    key_file = tmp_path / "gateway-key"
    key_file.write_text("ck_any\n")
    if args[0] == "serve-ssh":
        args = (*args, "--api-key-file", str(key_file))
    answer = credits_tui(tmp_path, "--api-url", nobody, *args)
    one_line(answer, 1, start)


def test_a_refused_gateway_key_is_one_line_and_exit_2(
    tmp_path: Path, live_server: LiveServer
) -> None:
    key_file = tmp_path / "gateway-key"
    key_file.write_text("ck_nobody_made_this\n")
    answer = credits_tui(
        tmp_path,
        "--api-url",
        live_server.url,
        "serve-ssh",
        "--port",
        "0",
        "--api-key-file",
        str(key_file),
    )
    one_line(answer, 2, "credits-tui serve-ssh: the credits service refused")


def test_a_refused_session_is_one_line_and_exit_2(tmp_path: Path, live_server: LiveServer) -> None:
    remember(tmp_path, live_server.url, token="not-a-token-the-server-made")
    answer = credits_tui(tmp_path, "--api-url", live_server.url, "balance")
    one_line(answer, 2, "credits-tui: not signed in.")


def test_a_missing_gateway_key_is_one_line_and_exit_2(tmp_path: Path) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    missing = tmp_path / "no-such-key"
    answer = credits_tui(tmp_path, "--api-url", nobody, "serve-ssh", "--api-key-file", str(missing))
    one_line(answer, 2, f"credits-tui serve-ssh: no API key for the gateway in {missing}")

"""What the connection settings change: which server is trusted (ca_bundle, verify), how long a
silent one is waited for (timeout), where the debug log goes (log_file), and under which data
directory a sign-in is remembered (data_dir)."""

from __future__ import annotations

import http.server
import json
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from credits_client.api.models import User
from credits_client.config import Settings, load_settings
from credits_client.session_file import RememberedSession, SessionFile
from credits_client.store import AccountStore, session_key
from tests.support.live_server import LiveServer, Owner
from tests.support.ports import free_port
from tests.support.tls import Authority, make_authority, serving_tls

CREDITS_TUI = str(Path(sys.executable).parent / "credits-tui")


class _ServerInfo(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"version": "9.9.9"}).encode()
        self.send_response(200 if self.path == "/v1/server-info" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def company_ca(tmp_path: Path) -> Authority:
    return make_authority(tmp_path / "company-ca")


@pytest.fixture
def company_server(company_ca: Authority) -> Iterator[str]:
    """https://127.0.0.1:PORT, certified by the company CA (in no trust store of this machine)."""
    with serving_tls(company_ca, _ServerInfo) as url:
        yield url


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def connection_to(settings: Settings) -> str:
    """What the sign-in screen would say of the server: the state's connection after connecting."""
    store = AccountStore.from_settings(settings)
    try:
        await store.connect()
        return store.state.connection
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("", "offline"),  # the company CA is unknown here: the server is not trusted
        ("ca_bundle = '{ca}'\n", "online"),
        ("verify = false\n", "online"),
        ("verify = true\nca_bundle = '{ca}'\n", "online"),
    ],
)
async def test_ca_bundle_and_verify_decide_which_server_is_trusted(
    tmp_path: Path, company_server: str, company_ca: Authority, extra: str, expected: str
) -> None:
    config = write_config(
        tmp_path, f"api_url = '{company_server}'\n" + extra.format(ca=company_ca.ca)
    )
    assert await connection_to(load_settings(config, {})) == expected


def remember_a_session_for(url: str) -> None:
    user = User(id="usr_1", email="ops@acme.test", role="owner", account_id="acc_1")
    expires_at = datetime.now(UTC) + timedelta(days=1)
    SessionFile().save(RememberedSession(url, SecretStr("a-token"), expires_at, user))


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.listen(64)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def test_timeout_is_how_long_a_silent_server_is_waited_for(
    tmp_path: Path, silent_server: str
) -> None:
    remember_a_session_for(silent_server)
    config = write_config(tmp_path, f"api_url = '{silent_server}'\ntimeout = 0.5\n")
    started = time.monotonic()
    result = subprocess.run(
        [CREDITS_TUI, "--config", str(config), "balance"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert result.stderr == "credits-tui: the credits server cannot be reached\n"
    # The default of 10 s would not give up before 10 s: one try alone waits that long.
    assert elapsed < 10, elapsed


def test_log_file_is_where_the_debug_log_appears(tmp_path: Path) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    remember_a_session_for(nobody)
    log = tmp_path / "logs" / "credits-tui.log"
    config = write_config(tmp_path, f"api_url = '{nobody}'\nlog_file = '{log}'\n")
    result = subprocess.run(
        [CREDITS_TUI, "--config", str(config), "balance"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "127.0.0.1" in log.read_text(encoding="utf-8")
    assert "a-token" not in log.read_text(encoding="utf-8")


async def test_a_remembered_session_belongs_to_its_data_directory(
    tmp_path: Path, live_server: LiveServer, owner: Owner
) -> None:
    # The embedded server of each data directory stands in for the live server here.
    def store_for(data_dir: str) -> AccountStore:
        settings = load_settings(None, {"data_dir": data_dir})
        return AccountStore.from_settings(settings, base_url=live_server.url)

    first = store_for(str(tmp_path / "one"))
    try:
        await first.connect()
        await first.login(owner.email, owner.password, remember=True)
    finally:
        await first.close()
    for data_dir, signed_in in [
        (str(tmp_path / "two"), False),  # another database: the token means nothing there
        (str(tmp_path / "two" / ".." / "one"), True),  # the same directory, spelt otherwise
    ]:
        store = store_for(data_dir)
        try:
            await store.connect()
            assert store.state.signed_in is signed_in, data_dir
        finally:
            await store.close()


def test_the_session_key_of_the_embedded_server_names_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    spelt = load_settings(None, {"data_dir": "~/data"})
    assert session_key(spelt) == f"embedded:{tmp_path / 'data'}"
    assert session_key(load_settings(None, {"api_url": "https://credits.example.com/"})) == (
        "https://credits.example.com"
    )

"""With no configuration, credits-tui runs its own server, shares it, and leaves nothing behind."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
from pathlib import Path

import httpx
import pytest

from credits_client.embedded import socket_alive
from credits_client.embedded_supervisor import LOG_MAX_BYTES
from tests.e2e.conftest import Home, credits_tui_executable
from tests.support.terminal import TmuxTerminal

pytestmark = pytest.mark.e2e

ONLINE = "(online)"


def test_first_run_shows_login_then_the_demo_server_online(home: Home) -> None:
    terminal = home.terminal()
    try:
        # The login screen paints before the server is up; the demo credentials once it is.
        terminal.wait_for("Sign in to Credits")
        terminal.wait_for(ONLINE)
        screen = terminal.wait_for("demo@example.com / demo-password")
        assert "Email" in screen
        assert "Password" in screen
        for private in (home.runtime_dir, home.runtime_dir.parent):
            mode = stat.S_IMODE(private.stat().st_mode)
            assert mode == 0o700, f"{private}: {oct(mode)}"
        assert (home.data_dir / "credits.db").exists()
    finally:
        terminal.close()
    home.wait_until_no_server()


def test_two_apps_share_one_server_and_the_last_one_out_stops_it(home: Home) -> None:
    first = home.terminal()
    second = None
    try:
        first.wait_for(ONLINE)
        servers = home.server_processes()
        second = home.terminal()
        second.wait_for(ONLINE)
        assert home.server_processes() == servers, "the second app started another server"

        first.close()  # its terminal goes away: the app gets SIGHUP
        second.press("ctrl+r")  # any key: the second app still works, on the same server
        assert socket_alive(home.runtime_dir / "server.sock")
        assert second.wait_for(ONLINE)
    finally:
        first.close()
        if second is not None:
            second.close()
    home.wait_until_no_server()
    assert not (home.runtime_dir / "server.sock").exists()


def test_an_app_killed_outright_leaves_no_server_behind(home: Home) -> None:
    terminal = home.terminal()
    try:
        terminal.wait_for(ONLINE)
        app_pid = int(terminal.pane_pid())
        os.kill(app_pid, signal.SIGKILL)
        home.wait_until_no_server()
    finally:
        terminal.close()


def test_flags_reach_the_first_paint_email_prefilled_and_the_server_named(home: Home) -> None:
    terminal = home.terminal("--api-url", "http://127.0.0.1:9", "--email", "ops@acme.test")
    try:
        terminal.wait_for("ops@acme.test")  # in the first paint
        terminal.wait_for("http://127.0.0.1:9")  # once the settings are read, right after
        assert not home.server_processes(), "an api_url must not start the embedded server"
    finally:
        terminal.close()


def test_the_server_starts_from_a_folder_holding_files_named_like_its_modules(home: Home) -> None:
    # A person's project folder: Python puts the working directory first on the path of
    # `python -m`, so these would be imported instead of ours (and of uvicorn's).
    folder = home.root / "project"
    folder.mkdir()
    for name in ("server", "tui", "screens", "widgets", "credits_server", "credits_client"):
        (folder / f"{name}.py").write_text('raise SystemExit("the user\'s own file")\n')
    (folder / "uvicorn.py").write_text('raise SystemExit("the user\'s own file")\n')
    terminal = TmuxTerminal([credits_tui_executable()], env=home.env, cwd=folder)
    try:
        terminal.wait_for(ONLINE)
    finally:
        terminal.close()
    home.wait_until_no_server()


def _serving_sockets(home: Home) -> set[str]:
    """The Unix sockets the embedded servers of this home listen on (from their command lines)."""
    sockets = set()
    for pid in home.server_processes():
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
        except OSError:
            continue
        if "credits_server.cli" in argv and "--uds" in argv:
            sockets.add(argv[argv.index("--uds") + 1])
    return sockets


def _sign_in_status(socket_path: str, email: str, password: str) -> int:
    with httpx.Client(
        transport=httpx.HTTPTransport(uds=socket_path), base_url="http://embedded"
    ) as client:
        answer = client.post("/v1/sessions", json={"email": email, "password": password})
    return answer.status_code


def test_two_data_directories_are_two_servers_with_two_databases(home: Home) -> None:
    other_data = home.root / "other-data"
    first = home.terminal()
    second = TmuxTerminal(
        [credits_tui_executable()], env={**home.env, "CREDITS_TUI_DATA_DIR": str(other_data)}
    )
    try:
        first.wait_for(ONLINE)
        second.wait_for(ONLINE)
        sockets = _serving_sockets(home)
        assert len(sockets) == 2, f"one server for two data directories: {sockets}"
        assert (home.data_dir / "credits.db").exists()
        assert (other_data / "credits.db").exists()

        # A user created in the first database signs in on one server only.
        database = home.data_dir / "credits.db"
        subprocess.run(
            [
                str(Path(credits_tui_executable()).parent / "credits-server"),
                "create-user",
                "--email",
                "ops@acme.test",
                "--account",
                "Acme",
            ],
            input="a long password\n",
            env={**home.env, "CREDITS_SERVER_DATABASE_URL": f"sqlite+aiosqlite:///{database}"},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        answers = sorted(_sign_in_status(s, "ops@acme.test", "a long password") for s in sockets)
        assert answers == [201, 401]
    finally:
        first.close()
        second.close()
    home.wait_until_no_server()


def test_the_server_log_is_kept_under_its_limit(home: Home) -> None:
    home.data_dir.mkdir(parents=True)
    log = home.data_dir / "credits_server.log"
    line = b'{"event": "an old line"}\n'
    log.write_bytes(line * (LOG_MAX_BYTES // len(line)))  # full to the brim
    terminal = home.terminal()
    try:
        terminal.wait_for(ONLINE)  # the server has written its lines for the app's requests
    finally:
        terminal.close()
    home.wait_until_no_server()
    logs = sorted(home.data_dir.glob("credits_server.log*"))
    assert [path.name for path in logs] == ["credits_server.log", "credits_server.log.1"]
    assert all(path.stat().st_size <= LOG_MAX_BYTES for path in logs)
    assert b'"event": "request"' in log.read_bytes()

"""With no configuration, credits-tui runs its own server, shares it, and leaves nothing behind."""

from __future__ import annotations

import os
import signal
import stat

import pytest

from credits_client.embedded import socket_alive
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
        mode = stat.S_IMODE(home.runtime_dir.stat().st_mode)
        assert mode == 0o700, oct(mode)
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

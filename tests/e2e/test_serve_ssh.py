"""`credits-tui serve-ssh` driven by the real OpenSSH client in tmux: signed in by key, the whole
flow, window changes, many people at once, cut links, and everything that is not the app refused."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.e2e.conftest import Home
from tests.e2e.flow import (
    Api,
    open_payment_for_50_with_a_new_card,
    pay,
    raise_threshold_three_steps_and_save,
)
from tests.support.serve_ssh import ServeSsh, new_key
from tests.support.terminal import TmuxTerminal

pytestmark = pytest.mark.e2e

# People on the server at once in the concurrency test, each a whole credits-tui. 20 took 75 s
# on a loaded 2-core machine, over the suite's budget; 8 take about 25 s.
CONCURRENT = 8


@pytest.fixture(scope="module")
def server() -> Iterator[ServeSsh]:
    home = Home(Path(tempfile.mkdtemp(prefix="ct-")))
    # Room for the concurrency test: every session there is the demo user's.
    # (and for their top-ups within a minute: the limit is per account).
    serving = ServeSsh(
        home,
        "--max-sessions-per-user",
        str(CONCURRENT + 5),
        env={"CREDITS_SERVER_TOPUP_MAX_PER_MINUTE": str(CONCURRENT + 10)},
    )
    try:
        serving.register(new_key(home.root / "registered"))
        new_key(home.root / "stranger")
        yield serving
    finally:
        serving.stop()
        home.wait_until_no_server()
        shutil.rmtree(home.root, ignore_errors=True)


def registered(server: ServeSsh) -> Path:
    return server.home.root / "registered"


def over_ssh(server: ServeSsh, key: Path, *, batch: bool = True) -> TmuxTerminal:
    env = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
    return TmuxTerminal(server.ssh(key, batch=batch), env=env)


def wait_until(condition: object, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)  # a poll interval while waiting for a condition
    raise AssertionError(f"{what} never happened")


def test_the_host_key_is_kept_private_and_its_fingerprint_printed(server: ServeSsh) -> None:
    assert server.host_key.stat().st_mode & 0o777 == 0o600
    listed = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(server.host_key)], capture_output=True, text=True, check=True
    )
    assert listed.stdout.split()[1] == server.host_key_fingerprint


def test_a_registered_key_gets_the_dashboard_and_a_stranger_is_refused(server: ServeSsh) -> None:
    terminal = over_ssh(server, registered(server))
    try:
        screen = terminal.wait_for("Recent transactions")
        assert "Sign in" not in screen
        assert "Demo Co" in screen
    finally:
        terminal.close()
    stranger = subprocess.run(
        [*server.ssh(server.home.root / "stranger", tty=False), "true"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert stranger.returncode == 255
    assert "Permission denied (publickey)" in stranger.stderr


@pytest.mark.parametrize("sent", [(), ("-o", "SetEnv=NO_COLOR=1")], ids=["colour", "NO_COLOR"])
def test_the_clients_no_color_is_honoured(server: ServeSsh, sent: tuple[str, ...]) -> None:
    env = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
    terminal = TmuxTerminal(server.ssh(registered(server), *sent), env=env)
    try:
        terminal.wait_for("Recent transactions")
        terminal.settle()
        shown = terminal.screen_with_attributes()
        indices = {int(n) for n in re.findall(r"\x1b\[[34]8;5;(\d+)m", shown)}
        chromatic = {n for n in indices if not (n in (0, 7, 8, 15, 16, 231) or n >= 232)}
        assert indices  # drawn in the 256 colours tmux offers
        assert (not chromatic) == bool(sent)  # NO_COLOR: greys only
    finally:
        terminal.close()


def test_the_whole_flow_by_keys(server: ServeSsh) -> None:
    api = Api(server.home.runtime_dir / "server.sock")
    before = api.get("/v1/account")["balance"]
    settings_before = api.get("/v1/auto-recharge")
    terminal = over_ssh(server, registered(server))
    try:
        terminal.wait_for("Recent transactions")
        terminal.settle()
        open_payment_for_50_with_a_new_card(terminal)
        assert pay(terminal) == before + 5000
        terminal.press("Escape")
        terminal.wait_for("Recent transactions")
        terminal.settle()
        raise_threshold_three_steps_and_save(terminal)
        terminal.press("Escape")
        terminal.wait_for("Recent transactions")
        terminal.type("q")
        terminal.wait_for_exit()
    finally:
        terminal.close()
    assert api.get("/v1/account")["balance"] == before + 5000
    saved = api.get("/v1/auto-recharge")
    assert (
        saved["threshold"] == settings_before["threshold"] + 3 * settings_before["bounds"]["step"]
    )
    api.close()


def test_a_resize_redraws_at_the_new_size(server: ServeSsh) -> None:
    terminal = over_ssh(server, registered(server))
    try:
        terminal.wait_for("Recent transactions")
        terminal.settle()
        terminal.resize(120, 40)

        def drawn_at_120() -> bool:
            lines = terminal.screen().splitlines()
            return any(line.startswith("╰") and len(line.rstrip()) == 120 for line in lines)

        wait_until(drawn_at_120, "a redraw at 120 columns")
        assert len(terminal.screen().splitlines()) == 40
    finally:
        terminal.close()


def test_many_people_at_once_each_complete_a_top_up(server: ServeSsh) -> None:
    api = Api(server.home.runtime_dir / "server.sock")
    before = api.get("/v1/account")["balance"]
    terminals = [over_ssh(server, registered(server)) for _ in range(CONCURRENT)]

    def top_up(terminal: TmuxTerminal) -> int:
        terminal.wait_for("Recent transactions", timeout=90)
        terminal.settle()
        terminal.type("a")
        terminal.wait_for("Pick an amount")
        terminal.settle()
        terminal.type("3")
        terminal.wait_for("Add $50.00 to Demo Co")
        terminal.settle()
        terminal.press("Enter")
        terminal.wait_for("Paying with Visa")
        terminal.settle()
        return pay(terminal)

    try:
        with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
            shown = list(pool.map(top_up, terminals))
    finally:
        for terminal in terminals:
            terminal.close()
    after = api.get("/v1/account")["balance"]
    api.close()
    assert after == before + CONCURRENT * 5000
    assert len(set(shown)) == CONCURRENT  # each saw its own top-up land
    wait_until(lambda: not server.apps(), "every app ended once its link was gone")


def test_a_cut_link_leaves_no_process_behind(server: ServeSsh) -> None:
    terminal = over_ssh(server, registered(server))
    try:
        terminal.wait_for("Recent transactions")
        apps = server.apps()
        assert len(apps) == 1
        os.kill(int(terminal.pane_pid()), signal.SIGKILL)  # the ssh client dies: no goodbye
        wait_until(lambda: not Path(f"/proc/{apps[0]}").exists(), "the app to end")
    finally:
        terminal.close()
    assert server.apps() == []


@pytest.mark.parametrize(
    ("options", "command", "says"),
    [
        ((), ["echo", "hello"], ""),  # exec
        (("-s",), ["sftp"], "subsystem request failed"),
        (("-W", "127.0.0.1:22"), [], "forwarding failed"),  # a direct-tcpip channel
        (("-N", "-R", "0:127.0.0.1:22", "-o", "ExitOnForwardFailure=yes"), [], "forwarding"),
    ],
    ids=["exec", "subsystem", "port forwarding", "remote forwarding"],
)
def test_everything_but_the_app_is_refused(
    server: ServeSsh, options: tuple[str, ...], command: list[str], says: str
) -> None:
    refused = subprocess.run(
        [*server.ssh(registered(server), *options, tty=False), *command],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert refused.returncode != 0
    assert "hello" not in refused.stdout
    assert says in refused.stderr
    assert server.apps() == []


def test_a_shell_without_a_terminal_is_told_to_use_ssh_t(server: ServeSsh) -> None:
    answer = subprocess.run(
        server.ssh(registered(server), tty=False),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert answer.returncode == 1
    assert "needs a terminal" in answer.stdout
    assert server.apps() == []


def test_sigterm_tells_each_session_and_ends_it(server: ServeSsh) -> None:
    # A second server on the same home: same host key, gateway key and embedded server.
    second = ServeSsh(server.home)
    try:
        assert second.host_key_fingerprint == server.host_key_fingerprint
        terminal = over_ssh(second, registered(server))
        try:
            terminal.wait_for("Recent transactions")
            apps = second.apps()
            assert second.stop() == 0
            terminal.wait_for("restarting; connect again")
            terminal.wait_for_exit()
            assert "Recent transactions" not in terminal.screen()  # the app's screen is gone
            assert not [pid for pid in apps if Path(f"/proc/{pid}").exists()]
        finally:
            terminal.close()
    finally:
        second.kill()


def test_caps_idle_timeout_and_password_sign_in_when_allowed(server: ServeSsh) -> None:
    strict = ServeSsh(
        server.home, "--max-sessions-per-user", "1", "--idle-timeout", "4", "--allow-password"
    )
    first = over_ssh(strict, registered(server))
    try:
        first.wait_for("Recent transactions")
        second = subprocess.run(
            strict.ssh(registered(server)), capture_output=True, text=True, timeout=30, check=False
        )
        assert "You already have 1 sessions open" in second.stdout
        # No key pressed in the first session: it is ended, and says why.
        first.wait_for("without a key pressed", timeout=30)
        first.wait_for_exit()
        # With passwords allowed, a key nobody registered gets the sign-in screen.
        stranger = over_ssh(strict, server.home.root / "stranger", batch=False)
        try:
            stranger.wait_for("Sign in to Credits")
        finally:
            stranger.close()
    finally:
        first.close()
        strict.stop()

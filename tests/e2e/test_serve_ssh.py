"""`credits-tui serve-ssh` driven by the real OpenSSH client in tmux: signed in by key, the whole
flow, window changes, many people at once, cut links, everything that is not the app refused,
the client's terminal honoured, the caps and the idle timeout, and the door: unknown keys slow
their address down, and connections still signing in are capped."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
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
from tests.support.wait import wait_for

pytestmark = pytest.mark.e2e

# People on the server at once in the concurrency test, each a whole credits-tui, all driven
# from one thread that reads each screen once a pass (20 threads polling tmux starved the apps):
# about 35 s on the shared 2-core machine at a load average of 10.
CONCURRENT = 20


@pytest.fixture(scope="module")
def server() -> Iterator[ServeSsh]:
    home = Home(Path(tempfile.mkdtemp(prefix="ct-")))
    # Room for the concurrency test: every session there is the demo user's.
    # (and for their top-ups within a minute: the limit is per account).
    serving = ServeSsh(
        home,
        "--max-sessions-per-user",
        str(CONCURRENT + 5),
        "--max-unauthenticated-per-address",
        str(CONCURRENT),
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


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    wait_for(condition, within=timeout, what=what, every=0.05)


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
        assert indices  # drawn in 256 colours: the client sends TERM, not COLORTERM
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


# Add credits, the third preset ($50.00), the saved Visa, pay: each key once its screen shows.
TOP_UP = (
    ("Recent transactions", "a"),
    ("Pick an amount", "3"),
    ("Add $50.00 to Demo Co", "Enter"),
    ("Paying with Visa", "C-s"),
)


def drive_all(
    terminals: Sequence[TmuxTerminal], steps: Sequence[tuple[str, str]], last: str, within: float
) -> None:
    """Take every terminal through `steps` at once, from this one thread: each pass reads each
    screen once (one tmux call) and presses a terminal's next key when its screen shows that
    step's text; a terminal is done when it shows `last` and no longer the last step's text."""
    at = [0] * len(terminals)
    done = [False] * len(terminals)

    def one_pass() -> bool:
        for index, terminal in enumerate(terminals):
            if done[index]:
                continue
            screen = terminal.screen()
            if at[index] == len(steps):
                done[index] = last in screen and steps[-1][0] not in screen
            elif steps[at[index]][0] in screen:
                terminal.press(steps[at[index]][1])
                at[index] += 1
        return all(done)

    try:
        wait_for(one_pass, within=within, every=0.1)
    except AssertionError:
        stuck = [(i, at[i], t.screen()) for i, t in enumerate(terminals) if not done[i]]
        raise AssertionError(f"sessions stuck (index, step, screen): {stuck}") from None


@pytest.mark.timeout(300)  # 20 apps starting at once on a shared 2-core machine
def test_many_people_at_once_each_complete_a_top_up(server: ServeSsh) -> None:
    api = Api(server.home.runtime_dir / "server.sock")
    before = api.get("/v1/account")["balance"]
    terminals = [over_ssh(server, registered(server)) for _ in range(CONCURRENT)]
    try:
        # Paid: the app goes back to the dashboard (the "New balance" notice may be gone by
        # the time a busy machine reads the screen again).
        drive_all(terminals, TOP_UP, "Recent transactions", within=240)
    finally:
        for terminal in terminals:
            terminal.close()
    after = api.get("/v1/account")["balance"]
    api.close()
    assert after == before + CONCURRENT * 5000  # each paid once
    wait_until(lambda: not server.apps(), "every app ended once its link was gone")


def in_session(leader: int) -> list[int]:
    """Every process of the session `leader` leads: what the app started, and their children."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == leader:  # the session id
            found.append(int(entry.name))
    return found


def test_a_cut_link_leaves_no_process_behind(server: ServeSsh) -> None:
    terminal = over_ssh(server, registered(server))
    try:
        terminal.wait_for("Recent transactions")
        apps = server.apps()
        assert len(apps) == 1
        assert apps[0] in in_session(apps[0])
        os.kill(int(terminal.pane_pid()), signal.SIGKILL)  # the ssh client dies: no goodbye
        wait_until(lambda: not in_session(apps[0]), "the app and all it started to end")
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


def test_caps_per_person_and_in_total_and_password_sign_in_when_allowed(
    server: ServeSsh,
) -> None:
    strict = ServeSsh(
        server.home, "--max-sessions", "2", "--max-sessions-per-user", "1", "--allow-password"
    )
    first = over_ssh(strict, registered(server))
    stranger: TmuxTerminal | None = None
    try:
        first.wait_for("Recent transactions")
        second = subprocess.run(
            strict.ssh(registered(server)), capture_output=True, text=True, timeout=30, check=False
        )
        assert "You already have 1 sessions open" in second.stdout
        # With passwords allowed, a key nobody registered gets the sign-in screen.
        stranger = over_ssh(strict, server.home.root / "stranger", batch=False)
        stranger.wait_for("Sign in to Credits")
        # Two sessions: the server is full, for everyone.
        third = subprocess.run(
            strict.ssh(registered(server)), capture_output=True, text=True, timeout=30, check=False
        )
        assert "The credits service is full right now" in third.stdout
        assert len(strict.apps()) == 2
    finally:
        first.close()
        if stranger is not None:
            stranger.close()
        strict.stop()


def test_a_session_without_a_key_pressed_is_ended_and_says_why(server: ServeSsh) -> None:
    idle = ServeSsh(server.home, "--idle-timeout", "3")
    terminal = over_ssh(idle, registered(server))
    try:
        terminal.wait_for("without a key pressed", timeout=30)
        terminal.wait_for_exit()
        wait_until(lambda: not idle.apps(), "the app to end")
    finally:
        terminal.close()
        idle.stop()


def colour_depth(shown: str) -> str:
    """The colours an app drew with, from the screen's escape sequences."""
    if re.search(r"\x1b\[[34]8;2;", shown):
        return "truecolor"
    if re.search(r"\x1b\[[34]8;5;", shown):
        return "256 colours"
    return "16 colours"


def app_environment(pid: int) -> dict[str, str]:
    entries = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(entry.decode().split("=", 1) for entry in entries if b"=" in entry)


def test_the_clients_colorterm_is_honoured_and_nothing_forwarded(
    server: ServeSsh, tmp_path: Path
) -> None:
    # Without COLORTERM the app draws in 256 colours (the NO_COLOR test); sent, in truecolor.
    # The client also asks to forward its agent and its X display: neither reaches the app.
    agent_socket = tmp_path / "agent"
    agent = subprocess.Popen(
        ["ssh-agent", "-D", "-a", str(agent_socket)], stdout=subprocess.DEVNULL
    )
    client_log = tmp_path / "ssh.log"  # what the client says, kept off the screen
    options = ("-A", "-X", "-E", str(client_log), "-o", "SetEnv=COLORTERM=truecolor")
    env = {"TERM": "xterm-256color", "SSH_AUTH_SOCK": str(agent_socket), "DISPLAY": ":99"}
    terminal = TmuxTerminal(server.ssh(registered(server), *options), env=env)
    try:
        wait_until(agent_socket.exists, "ssh-agent listening")
        terminal.wait_for("Recent transactions")
        terminal.settle()
        assert colour_depth(terminal.screen_with_attributes()) == "truecolor"
        [app] = server.apps()
        environment = app_environment(app)
        assert environment["TERM"] == "xterm-256color"
        assert environment["COLORTERM"] == "truecolor"
        assert "SSH_AUTH_SOCK" not in environment
        assert "DISPLAY" not in environment
        terminal.type("q")
        terminal.wait_for_exit()
        assert "X11 forwarding request failed" in client_log.read_text()
    finally:
        terminal.close()
        agent.terminate()
        agent.wait(timeout=10)


def attempt(server: ServeSsh, key: Path) -> subprocess.CompletedProcess[str]:
    """Sign in with `key` and ask for a shell without a terminal (the app is then not started)."""
    return subprocess.run(
        server.ssh(key, tty=False),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        stdin=subprocess.DEVNULL,
    )


WAIT = re.compile(r"Too many failed key sign-ins from 127\.0\.0\.1; try again in (\d+) seconds")


def test_unknown_keys_slow_their_address_down_with_a_growing_wait(server: ServeSsh) -> None:
    door = ServeSsh(server.home, "--key-failures", "2", "--key-failure-delay", "2")
    stranger = server.home.root / "stranger"
    try:
        for _ in range(2):
            assert "Permission denied (publickey)" in attempt(door, stranger).stderr
        # Now this address waits, with a registered key too, and the service is not asked.
        refused = attempt(door, registered(server))
        assert refused.returncode == 255
        first = WAIT.search(refused.stderr)
        assert first is not None, refused.stderr
        assert int(first.group(1)) <= 2
        # The wait over, one more failure doubles it.
        wait_until(lambda: "Permission denied" in attempt(door, stranger).stderr, "the wait to end")
        second = WAIT.search(attempt(door, stranger).stderr)
        assert second is not None
        assert 2 < int(second.group(1)) <= 4
    finally:
        door.stop()


def test_a_registered_key_after_unknown_ones_is_not_slowed_down(server: ServeSsh) -> None:
    door = ServeSsh(server.home, "--key-failures", "2", "--key-failure-delay", "60")
    both = ("-i", str(registered(server)))  # offered after the stranger's key
    try:
        for _ in range(3):
            answer = subprocess.run(
                [*door.ssh(server.home.root / "stranger", *both, tty=False)],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
                stdin=subprocess.DEVNULL,
            )
            assert "needs a terminal" in answer.stdout, answer.stderr
    finally:
        door.stop()


def test_connections_still_signing_in_are_capped(server: ServeSsh) -> None:
    door = ServeSsh(server.home, "--max-unauthenticated", "2")
    holders = [socket.create_connection(("127.0.0.1", door.port), timeout=30) for _ in range(2)]
    try:
        for holder in holders:  # connected, and never signing in
            assert holder.recv(64).startswith(b"SSH-2.0-credits-tui")
        refused = attempt(door, registered(server))
        assert refused.returncode == 255
        # Dropped before the key exchange, as sshd drops past MaxStartups: the reason is sent,
        # but the close may overtake it (then OpenSSH says how it ended, or, on a busy machine
        # where the close arrives before it wrote anything, nothing at all).
        said = ("Too many connections are signing in right now", "Broken pipe", "closed", "reset")
        assert refused.stderr.strip() == "" or any(words in refused.stderr for words in said), (
            refused.stderr
        )
        assert "needs a terminal" not in refused.stdout
        for holder in holders:
            holder.close()
        wait_until(
            lambda: "needs a terminal" in attempt(door, registered(server)).stdout,
            "a place to free up",
        )
    finally:
        for holder in holders:
            holder.close()
        door.stop()

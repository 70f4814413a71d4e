"""8. serve-ssh: the first paint through `credits-tui serve-ssh` against `ssh host credits-tui`
through OpenSSH's sshd on the same machine; memory per session; idle sessions held.

Both paths run the same app against the same live credits-server (--api-url) and stop at the
same screen, the sign-in screen: serve-ssh lets in a key nobody registered (--allow-password,
so no session is handed over) and sshd runs `credits-tui --api-url URL` with private XDG
directories. The clock runs from starting the `ssh` client in a pty at 80x24 to the text on
its screen; runs are interleaved after one warm-up of each.

Memory and idle sessions: SESSIONS sessions signed in by a registered key, idle on the
dashboard. A session's processes are its app (the server's child); the server's own growth is
divided among the sessions. PSS shares the pages the apps have in common fairly among them.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import ExitStack
from pathlib import Path

from bench.common import BIN, ROOT, Row, Table, isolated_env, median, ms, workdir
from bench.pty_terminal import PtyTerminal
from bench.server_setup import live_server
from tests.support.live_server import LiveServer
from tests.support.ssh_client import ServeSshProcess, new_key
from tests.support.sshd import SshServer

LOGIN_TEXT = "Sign in to Credits"
DASHBOARD_TEXT = "Recent transactions"
GOAL_RATIO = 1.1
SESSIONS = 50
WAVE = 10  # sessions opened at once while filling the server
IDLE_WINDOW = 10.0  # seconds over which idle CPU is measured
MACHINE_GIB = 24
MACHINE_CORES = 2


def _gateway(directory: Path, url: str, gateway_key: Path) -> ServeSshProcess:
    """`credits-tui serve-ssh` on 127.0.0.1 with --api-url, caps wide enough for the benchmark."""
    return ServeSshProcess(
        str(BIN / "credits-tui"),
        directory,
        "--api-url",
        url,
        "--api-key-file",
        str(gateway_key),
        "--allow-password",
        "--max-sessions",
        str(SESSIONS + 20),
        "--max-sessions-per-user",
        str(SESSIONS + 20),
        "--max-unauthenticated",
        str(WAVE * 2),
        "--max-unauthenticated-per-address",
        str(WAVE * 2),
        "--key-failures",
        "100000",
        env=isolated_env(directory / "home"),
        cwd=ROOT,
    )


def _sshd_command(sshd: SshServer, url: str, home: Path) -> list[str]:
    """`credits-tui` on sshd, with XDG directories of its own, kept from run to run as the
    gateway's are."""
    xdg = " ".join(
        f"XDG_{name.upper()}_HOME={home / name}" for name in ("config", "data", "state", "cache")
    )
    remote = f"env {xdg} XDG_RUNTIME_DIR={home} LANG=C.UTF-8 {BIN / 'credits-tui'} --api-url {url}"
    return sshd.ssh_command(remote)


def _time_to(command: list[str], needle: str, label: str) -> float:
    with PtyTerminal(command, isolated_env(workdir(label)), cwd=str(ROOT)) as terminal:
        return terminal.wait_for(needle, timeout=60) - terminal.started_at


def _memory_kib(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of a live process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if parts and parts[0] in ("Pss:", "Rss:"):
            values[parts[0]] = int(parts[1])
    return values["Pss:"], values["Rss:"]


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _first_paint(server: LiveServer, root: Path, runs: int, table: Table) -> None:
    stranger = new_key(root / "stranger")
    (root / "sshd").mkdir()
    # SHLVL=1: bash then skips ~/.bashrc, as it does for a shell not started by sshd. The
    # login's own rc files are the host's business, not the transport's (root's here runs
    # `pyenv init`: 0.5-0.6 s on this machine).
    sshd = SshServer(root / "sshd", environment={"SHLVL": "1"})
    sshd_home = workdir("ssh-d")
    gateway = _gateway(root / "gateway", server.url, root / "gateway.key")
    try:
        samples: dict[str, list[float]] = {"serve-ssh": [], "sshd": []}
        for index in range(runs + 1):
            results = {
                "serve-ssh": _time_to(gateway.ssh(stranger, batch=False), LOGIN_TEXT, "ssh-serve"),
                "sshd": _time_to(_sshd_command(sshd, server.url, sshd_home), LOGIN_TEXT, "ssh-d"),
            }
            if index:
                for name, value in results.items():
                    samples[name].append(value)
    finally:
        gateway.stop(timeout=60)
        sshd.close()
    served, reference = median(samples["serve-ssh"]), median(samples["sshd"])
    ratio = served / reference
    table.rows.append(
        Row(
            "first paint through serve-ssh (sign-in screen)",
            ms(served),
            f"`ssh host credits-tui` via sshd {ms(reference)}",
            f"{ratio:.2f}x",
            f"<= {GOAL_RATIO}x sshd",
            ratio <= GOAL_RATIO,
        )
    )
    table.notes.append(
        f"First paint: median of {runs} interleaved runs each "
        f"(serve-ssh {', '.join(ms(s) for s in samples['serve-ssh'])}; "
        f"sshd {', '.join(ms(s) for s in samples['sshd'])})."
    )


def _idle_sessions(server: LiveServer, root: Path, table: Table) -> None:
    owner = server.make_owner(balance=500_000)
    person = new_key(root / "person")
    server.operator("add-ssh-key", "--email", owner.email, "--key-file", f"{person}.pub")
    gateway = _gateway(root / "idle", server.url, root / "gateway.key")
    opened = 0
    try:
        time.sleep(1.0)  # let the gateway's start-up settle before its baseline is read
        gateway_before = _memory_kib(gateway.process.pid)
        with ExitStack() as stack:
            started = time.monotonic()
            for wave in range(0, SESSIONS, WAVE):
                terminals = [
                    stack.enter_context(
                        PtyTerminal(
                            gateway.ssh(person, batch=False), isolated_env(workdir(f"idle-{i}"))
                        )
                    )
                    for i in range(wave, min(SESSIONS, wave + WAVE))
                ]
                for terminal in terminals:
                    terminal.wait_for(DASHBOARD_TEXT, timeout=180)
                    opened += 1
            filled = time.monotonic() - started
            for terminal in terminals:
                terminal.wait_quiet(timeout=60)
            apps = gateway.apps()
            own = [gateway.process.pid, *apps]
            cpu_before, clock = _cpu_seconds(own), time.monotonic()
            time.sleep(IDLE_WINDOW)  # the window idle CPU is measured over
            cores = (_cpu_seconds(own) - cpu_before) / (time.monotonic() - clock)
            memories = [_memory_kib(pid) for pid in apps]
            gateway_after = _memory_kib(gateway.process.pid)
    finally:
        gateway.stop(timeout=60)
    pss = median([m[0] for m in memories]) / 1024
    rss = median([m[1] for m in memories]) / 1024
    gateway_share = max(0, gateway_after[1] - gateway_before[1]) / 1024 / len(apps)
    per_session = pss + gateway_share
    by_memory = int(MACHINE_GIB * 1024 / per_session)
    by_cpu = int(MACHINE_CORES / (cores / len(apps))) if cores > 0 else by_memory
    fit = len(apps) >= SESSIONS and per_session * SESSIONS < MACHINE_GIB * 1024 and cores < 2
    table.rows.append(
        Row(
            "memory per idle session (app PSS + the server's growth per session)",
            f"{per_session:.1f} MB",
            f"app RSS {rss:.1f} MB, PSS {pss:.1f} MB; server +{gateway_share:.2f} MB",
            "",
            "(stated)",
        )
    )
    table.rows.append(
        Row(
            f"idle sessions held at once ({SESSIONS} opened, on the dashboard)",
            f"{len(apps)} of {SESSIONS}",
            f"idle CPU {cores * 100:.1f}% of one core for all",
            "",
            f">= {SESSIONS}",
            fit,
        )
    )
    table.rows.append(
        Row(
            f"idle sessions {MACHINE_CORES} cores and {MACHINE_GIB} GiB would hold",
            f"{min(by_memory, by_cpu):,}",
            f"by memory {by_memory:,}, by CPU {by_cpu:,}",
            "",
            "(estimate)",
        )
    )
    table.notes.append(
        f"Idle sessions: opened {WAVE} at a time ({filled:.0f} s for {opened}); memory from "
        "/proc/PID/smaps_rollup once the output was quiet; idle CPU = utime+stime of the "
        f"server and every app over {IDLE_WINDOW:.0f} s. MB = 2^20 bytes."
    )


def run(runs: int) -> Table:
    table = Table("8. serve-ssh (the app over SSH)")
    root = workdir("ssh")
    with live_server(workdir("ssh-server")) as server:
        made = server.operator("create-api-key", "--name", "ssh-gateway", "--scope", "ssh")
        key_file = root / "gateway.key"
        key_file.write_text(json.loads(made)["key"])
        key_file.chmod(0o600)
        _first_paint(server, root, runs, table)
        _idle_sessions(server, root, table)
    return table

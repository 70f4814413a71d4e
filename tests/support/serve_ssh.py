"""`credits-tui serve-ssh` on 127.0.0.1 for the tests, with its own home (embedded server), and the
OpenSSH client command lines that reach it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import uuid
from pathlib import Path

import httpx

from tests.e2e.conftest import Home, credits_tui_executable
from tests.e2e.flow import DEMO_EMAIL, DEMO_PASSWORD


def new_key(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path


class ServeSsh:
    """The server process; `port` and `host_key_fingerprint` as it printed them."""

    def __init__(self, home: Home, *args: str, env: dict[str, str] | None = None) -> None:
        self.home = home
        self.host_key = home.root / "host_key"
        self._log_path = home.root / f"serve-ssh-{uuid.uuid4().hex[:8]}.log"
        self._log = self._log_path.open("w+")
        self.process = subprocess.Popen(
            [
                credits_tui_executable(),
                "serve-ssh",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--host-key",
                str(self.host_key),
                *args,
            ],
            env={**home.env, **(env or {})},  # the embedded server inherits it too
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        printed = self._wait_for_output(r"listening on 127\.0\.0\.1:(\d+)")
        self.port = int(printed.group(1))
        self.host_key_fingerprint = self._wait_for_output(r"host key (SHA256:\S+)").group(1)

    def output(self) -> str:
        return self._log_path.read_text()

    def _wait_for_output(self, pattern: str, timeout: float = 60.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.output())
            if found is not None:
                return found
            if self.process.poll() is not None:
                break
            time.sleep(0.05)  # a poll interval while the server starts
        raise AssertionError(f"serve-ssh did not print {pattern!r}:\n{self.output()}")

    def register(self, key: Path) -> None:
        """Register `key`'s public half for the demo user, as on the SSH keys screen."""
        public_key_file = Path(f"{key}.pub")
        transport = httpx.HTTPTransport(uds=str(self.home.runtime_dir / "server.sock"))
        with httpx.Client(transport=transport, base_url="http://embedded") as api:
            login = api.post("/v1/sessions", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
            headers = {"Authorization": f"Bearer {login.json()['token']}"}
            added = api.post(
                "/v1/ssh-keys", json={"public_key": public_key_file.read_text()}, headers=headers
            )
            added.raise_for_status()

    def ssh(self, key: Path, *options: str, tty: bool = True, batch: bool = True) -> list[str]:
        """`ssh` to this server with `key`; `batch` off lets it try keyboard-interactive."""
        return [
            "ssh",
            *(["-tt"] if tty else []),
            "-p",
            str(self.port),
            "-i",
            str(key),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            f"BatchMode={'yes' if batch else 'no'}",
            *options,
            "127.0.0.1",
        ]

    def apps(self) -> list[int]:
        """The credits-tui processes this server started (its children), alive now."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            self._log.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

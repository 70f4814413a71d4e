"""Starting `credits-tui serve-ssh` on 127.0.0.1 and the OpenSSH client command lines that reach it
or sshd: shared by the tests (tests/support/serve_ssh.py, sshd.py) and the benchmarks
(bench/ssh.py). Standard library only, no pytest."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Sequence
from pathlib import Path


def new_key(path: Path) -> Path:
    """An ed25519 key pair without a passphrase at `path` (and `path`.pub)."""
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path


def ssh_command(
    port: int,
    key: Path,
    *options: str,
    tty: bool = True,
    batch: bool = True,
    remote: Sequence[str] = (),
) -> list[str]:
    """`ssh` to 127.0.0.1:`port` with `key` alone, trusting any host key, quiet, with `options`
    and then the `remote` command; `batch` off lets it try keyboard-interactive."""
    return [
        "ssh",
        *(["-tt"] if tty else []),
        "-p",
        str(port),
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
        *remote,
    ]


class ServeSshProcess:
    """`executable serve-ssh` on 127.0.0.1, a port of its choosing and the host key in
    `directory`, its output in a log there; `port` and `host_key_fingerprint` as it printed
    them."""

    def __init__(
        self,
        executable: str,
        directory: Path,
        *args: str,
        env: dict[str, str],
        cwd: Path | None = None,
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.host_key = directory / "host_key"
        self._log_path = directory / f"serve-ssh-{uuid.uuid4().hex[:8]}.log"
        self._log = self._log_path.open("w+")
        self.process = subprocess.Popen(
            [
                executable,
                "serve-ssh",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--host-key",
                str(self.host_key),
                *args,
            ],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
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
        self.kill()
        raise AssertionError(f"serve-ssh did not print {pattern!r}:\n{self.output()}")

    def ssh(self, key: Path, *options: str, tty: bool = True, batch: bool = True) -> list[str]:
        """`ssh` to this server with `key` (see `ssh_command`)."""
        return ssh_command(self.port, key, *options, tty=tty, batch=batch)

    def apps(self) -> list[int]:
        """The credits-tui processes this server started (its children), alive now."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, as an operator stops it; its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self._log.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log.close()

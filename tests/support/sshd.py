"""A throwaway OpenSSH server on 127.0.0.1, for testing the app the way people use it: over SSH."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

from tests.support.ports import free_port
from tests.support.ssh_client import new_key, ssh_command
from tests.support.wait import wait_for


class SshServer:
    """sshd with its own host key and a user key for the current user, in `directory`."""

    def __init__(self, directory: Path, environment: dict[str, str] | None = None) -> None:
        """`environment`: variables sshd sets for every session (its SetEnv)."""
        sshd = shutil.which("sshd") or "/usr/sbin/sshd"
        if not Path(sshd).exists():
            raise RuntimeError("openssh-server is missing: run the tests through scripts/test")
        self.directory = directory
        self.port = free_port()
        self.user_key = directory / "user_key"
        for key in (directory / "host_key", self.user_key):
            new_key(key)
        authorized = directory / "authorized_keys"
        authorized.write_text((directory / "user_key.pub").read_text())
        authorized.chmod(0o600)
        config = directory / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {directory / 'host_key'}",
                    f"PidFile {directory / 'sshd.pid'}",
                    f"AuthorizedKeysFile {authorized}",
                    "StrictModes no",
                    "UsePAM no",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PermitRootLogin prohibit-password",
                    "LogLevel ERROR",
                    *[f"SetEnv {name}={value}" for name, value in (environment or {}).items()],
                    "",
                ]
            )
        )
        Path("/run/sshd").mkdir(parents=True, exist_ok=True)  # sshd's privilege-separation dir
        self._process = subprocess.Popen(
            [sshd, "-D", "-f", str(config), "-E", str(directory / "sshd.log")]
        )
        try:
            wait_for(self._listening, within=15, what="sshd listening")
        except AssertionError:
            raise RuntimeError(
                f"sshd did not start: {(directory / 'sshd.log').read_text()}"
            ) from None

    def _listening(self) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def ssh_command(self, remote_command: str) -> list[str]:
        """The client command line that logs in with a terminal and runs `remote_command`."""
        return ssh_command(self.port, self.user_key, remote=[remote_command])

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)

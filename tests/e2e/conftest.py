"""End-to-end: the installed `credits-tui` in a real terminal, on its embedded server."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from credits_client.embedded import runtime_dir
from tests.support.terminal import TmuxTerminal
from tests.support.wait import wait_for

pytestmark = pytest.mark.e2e


def credits_tui_executable() -> str:
    beside = Path(sys.executable).parent / "credits-tui"
    found = str(beside) if beside.exists() else shutil.which("credits-tui")
    assert found, "credits-tui is not installed in this environment"
    return found


@dataclass
class Home:
    """A person's home on this machine: their own XDG directories, so each test starts new."""

    root: Path

    @property
    def runtime_dir(self) -> Path:
        """The embedded server's runtime directory for this home's data directory."""
        return runtime_dir(self.data_dir, self.env)

    @property
    def data_dir(self) -> Path:
        return self.root / "data" / "credits-tui"

    @property
    def env(self) -> dict[str, str]:
        return {
            "HOME": str(self.root),
            "XDG_RUNTIME_DIR": str(self.root / "run"),
            "XDG_DATA_HOME": str(self.root / "data"),
            "XDG_STATE_HOME": str(self.root / "state"),
            "XDG_CONFIG_HOME": str(self.root / "config"),
            "TERM": "xterm-256color",
            "PATH": os.environ.get("PATH", ""),
        }

    def terminal(self, *args: str, width: int = 80, height: int = 24) -> TmuxTerminal:
        return TmuxTerminal(
            [credits_tui_executable(), *args], env=self.env, width=width, height=height
        )

    def server_processes(self) -> list[int]:
        """Processes of the embedded servers or their supervisors serving this home (for any of
        its data directories)."""
        marker = str(self.root / "run" / "credits-tui").encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker in cmdline:
                found.append(int(entry.name))
        return found

    def wait_until_no_server(self, timeout: float = 20.0) -> None:
        try:
            wait_for(lambda: not self.server_processes(), within=timeout)
        except AssertionError:
            raise AssertionError(
                f"server processes left behind: {self.server_processes()}"
            ) from None


@pytest.fixture
def home() -> Iterator[Home]:
    # A short path: the server's Unix socket lives under it, and AF_UNIX paths are short.
    root = Path(tempfile.mkdtemp(prefix="ct-"))
    person = Home(root)
    yield person
    for pid in person.server_processes():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
    shutil.rmtree(root, ignore_errors=True)

"""The embedded server's start on a system without Linux's prctl (macOS): the child starts."""

from __future__ import annotations

import subprocess
import sys

import pytest

from credits_client import embedded_supervisor


def test_a_server_child_starts_where_there_is_no_prctl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded_supervisor.sys, "platform", "darwin")
    # macOS's libc has no prctl: a libc without it, as the forked child would load it there.
    monkeypatch.setattr(embedded_supervisor.ctypes, "CDLL", lambda *_a, **_k: object())
    # The same pre-exec hook the supervisor gives the server. A child that runs proves the hook
    # let it through.
    child = subprocess.run(
        [sys.executable, "-c", "print('started')"],
        preexec_fn=embedded_supervisor._die_with_parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert child.stdout == "started\n"

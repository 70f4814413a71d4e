"""The embedded server's log stays under its limit however much the server writes: what the
supervisor copies from the server's output rotates to `.1`, `.2`, and the oldest goes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from credits_client.embedded_supervisor import ServerLog, copy_output

LIMIT = 64 * 1024
# A server that writes ten times the limit, line by line, then exits.
CHATTY = "import sys\nfor n in range(20000): sys.stderr.write(f'line {n:05} of the server\\n')\n"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """The log file and a descriptor open on it, as the app hands it to the supervisor."""
    path = tmp_path / "credits_server.log"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    yield path, fd
    os.close(fd)


def test_the_log_does_not_grow_past_its_limit(log_file: tuple[Path, int]) -> None:
    path, fd = log_file
    server = subprocess.Popen([sys.executable, "-c", CHATTY], stderr=subprocess.PIPE)
    log = ServerLog(path, fd, max_bytes=LIMIT, backups=2)
    assert server.stderr is not None
    while not server.stderr.closed:  # copy_output closes it at its end
        copy_output(server, log, 0.25)
    server.wait()

    files = sorted(path.parent.glob("credits_server.log*"))
    assert [file.name for file in files] == [
        "credits_server.log",
        "credits_server.log.1",
        "credits_server.log.2",
    ]
    assert all(0 < file.stat().st_size <= LIMIT for file in files)
    assert path.stat().st_mode & 0o077 == 0  # the new file is the owner's only
    newest = path.read_text()
    assert newest.endswith("line 19999 of the server\n")

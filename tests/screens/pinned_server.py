"""A real credits-server with what differs from run to run pinned (pinned_credits_server.py), for
snapshots of screens that show it: a 3-D Secure link (the top-up's id and the server's address),
a support reference, a sign-in lock-out countdown.

`PinnedServer` is a `LiveServer`, so `make_owner` and the other helpers work on its database.
Start one per test: its counters then start at 1 for every snapshot.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.live_server import LiveServer
from tests.support.ports import free_port

PUBLIC_URL = "https://credits.example.test"  # the base of the links it hands out (3-D Secure)
LAUNCHER = Path(__file__).with_name("pinned_credits_server.py")


class PinnedServer(LiveServer):
    """`start()` runs the pinned launcher instead of the installed `credits-server`."""

    def start(self) -> None:
        self.prepare_database()
        self.env.setdefault("CREDITS_SERVER_PUBLIC_URL", PUBLIC_URL)
        self.port = free_port()
        command = [sys.executable, str(LAUNCHER), "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--migrate"]
        with self.output_path.open("ab") as output:
            self.process = subprocess.Popen(
                command, env=self.server_env(), stdout=output, stderr=subprocess.STDOUT
            )
        self._wait_until_ready()


def start_pinned_server(workdir: Path) -> PinnedServer:
    server = PinnedServer(workdir)
    server.start()
    server.open_database()
    return server

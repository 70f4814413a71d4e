"""The embedded server process: migrate, seed the demo account once, then serve on a Unix socket.

Run only as `python -m tui.embedded_child SOCKET` by the supervisor; the app never imports it.
"""

from __future__ import annotations

import sys


def main() -> int:
    from server.cli import main as server_main  # the server's own commands, in one process

    socket_path = sys.argv[1]
    for command in (["migrate"], ["seed-demo"]):
        status = server_main(command)
        if status:
            return status
    return server_main(["serve", "--uds", socket_path, "--demo"])


if __name__ == "__main__":
    raise SystemExit(main())

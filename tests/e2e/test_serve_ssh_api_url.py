"""`credits-tui serve-ssh --api-url`: the gateway and every app it starts talk to a credits-server
started on its own (as a team runs it), not to an embedded one."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.e2e.conftest import Home
from tests.support.live_server import LiveServer
from tests.support.serve_ssh import ServeSsh, new_key
from tests.support.terminal import TmuxTerminal

pytestmark = pytest.mark.e2e


def test_serve_ssh_with_api_url_tops_up_on_that_server(live_server: LiveServer) -> None:
    home = Home(Path(tempfile.mkdtemp(prefix="ct-")))
    owner = live_server.make_owner(balance=5000, name="Remote Co")
    key = new_key(home.root / "person")
    live_server.operator("add-ssh-key", "--email", owner.email, "--key-file", f"{key}.pub")
    made = live_server.operator("create-api-key", "--name", "ssh-gateway", "--scope", "ssh")
    key_file = home.root / "gateway.key"
    key_file.write_text(json.loads(made)["key"])
    key_file.chmod(0o600)
    serving = ServeSsh(home, "--api-url", live_server.url, "--api-key-file", str(key_file))
    terminal = TmuxTerminal(serving.ssh(key), env={"TERM": "xterm-256color"})
    try:
        terminal.wait_for("Recent transactions")
        terminal.type("a")
        terminal.wait_for("Pick an amount")
        terminal.type("3")
        terminal.wait_for("Add $50.00 to Remote Co")
        terminal.press("Enter")
        terminal.wait_for("Paying with Visa")
        terminal.press("C-s")
        screen = terminal.wait_for("New balance: $")
        assert re.search(r"New balance: \$100\.00", screen)
        assert live_server.balance(owner.account_id) == 10000
        assert home.server_processes() == []  # no embedded server was started
    finally:
        terminal.close()
        serving.stop()
        shutil.rmtree(home.root, ignore_errors=True)

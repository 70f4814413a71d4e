"""The bytes a terminal receives from `credits-tui`, as `mouse` and `ascii` change them."""

from __future__ import annotations

import pexpect
import pytest

from tests.e2e.conftest import Home, credits_tui_executable

pytestmark = pytest.mark.e2e

MOUSE_ON = b"\x1b[?1000h"  # "report mouse clicks": the terminal's own selection stops working


def terminal_bytes(home: Home, *args: str, env: dict[str, str] | None = None) -> bytes:
    """Everything the app sends to an 80x24 terminal, from start to a ctrl+q once the sign-in
    screen is up. Nothing listens at the api_url: no server is started."""
    child = pexpect.spawn(
        credits_tui_executable(),
        ["--api-url", "http://127.0.0.1:9", *args],
        dimensions=(24, 80),
        env={**home.env, **(env or {})},
        timeout=60,
    )
    child.expect("Server unreachable")
    sent = child.before + child.after
    child.sendcontrol("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    return bytes(sent + child.before)


def test_by_default_the_mouse_is_reported_and_borders_are_box_drawn(home: Home) -> None:
    sent = terminal_bytes(home)
    assert MOUSE_ON in sent
    assert "╭".encode() in sent


def test_mouse_off_in_the_file_leaves_the_mouse_to_the_terminal(home: Home) -> None:
    config = home.root / "config" / "credits-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("mouse = false\n")
    assert MOUSE_ON not in terminal_bytes(home)
    assert MOUSE_ON not in terminal_bytes(home, "--no-mouse")


@pytest.mark.parametrize("where", ["file", "environment", "flag"])
def test_ascii_sends_the_terminal_ascii_only(home: Home, where: str) -> None:
    args, env = [], {}
    if where == "file":
        config = home.root / "config" / "credits-tui" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text("ascii = true\n")
    elif where == "environment":
        env = {"CREDITS_TUI_ASCII": "1"}
    else:
        args = ["--ascii"]
    sent = terminal_bytes(home, *args, env=env)
    assert b"Sign in to Credits" in sent
    assert sent.isascii(), sorted({c for c in sent.decode(errors="replace") if not c.isascii()})

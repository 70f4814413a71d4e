"""A crash says what went wrong, but never shows what was typed: no locals in the traceback."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect

CRASHING_APP = """
import os

from tui.app import CreditsApp


async def never_opened():
    raise AssertionError("not reached")


class CrashingApp(CreditsApp):
    def on_mount(self) -> None:
        # What a person typed: not in the source, so only locals could show it.
        card_number = os.environ["TYPED_CARD"]
        password = os.environ["TYPED_PASSWORD"]
        raise RuntimeError(f"boom after {len(card_number) + len(password)} characters")


app = CrashingApp(never_opened)
app.run()
raise SystemExit(app.return_code)
"""


def test_a_crash_report_shows_the_error_but_no_typed_secret(tmp_path: Path) -> None:
    script = tmp_path / "crash.py"
    script.write_text(CRASHING_APP)
    root = Path(__file__).resolve().parents[2]
    child = pexpect.spawn(
        sys.executable,
        [str(script)],
        dimensions=(24, 80),
        env={
            **os.environ,
            "TERM": "xterm-256color",
            "PYTHONPATH": str(root),
            "TYPED_CARD": "4000056655665556",
            "TYPED_PASSWORD": "correct-horse-battery",
        },
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    # The text as a person reads it: colour and cursor sequences removed.
    output = re.sub(r"\x1b\[[0-9;?<>=$]*[A-Za-z~]", "", child.before.decode(errors="replace"))
    assert child.exitstatus == 1
    assert "boom after 37 characters" in output
    assert "4000056655665556" not in output
    assert "correct-horse-battery" not in output

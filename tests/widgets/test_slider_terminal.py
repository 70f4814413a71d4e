"""Over SSH every byte counts: in a real terminal, a slider step rewrites the slider's line only."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[2]
_MOVE = re.compile(rb"\x1b\[(\d+);(\d+)H")
_ESCAPE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def rows_drawn(output: bytes) -> set[int]:
    """The terminal rows that got visible characters in `output` (moves alone do not count)."""
    rows: set[int] = set()
    pieces = _MOVE.split(output)
    # split gives [before, row, column, text, row, column, text, ...]
    for index in range(1, len(pieces) - 2, 3):
        if _ESCAPE.sub(b"", pieces[index + 2]).strip():
            rows.add(int(pieces[index]))
    return rows


def test_a_step_redraws_one_line() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TEXTUAL")}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", TEXTUAL_ANIMATIONS="none")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "tests.widgets.slider_terminal_app"],
        cwd=str(ROOT),
        env=env,
        dimensions=(24, 80),
        timeout=30,
    )
    try:
        child.expect(b"palette")  # the footer: the first full frame is out
        first = child.before + child.after
        full_frame = len(first)
        child.send("\x1b[C")  # right arrow
        child.expect(rb"\$25\.00")
        child.send("\x1b[C")
        child.expect(rb"\$30\.00")
        step = child.before + child.after
    finally:
        child.sendcontrol("q")
        child.expect(pexpect.EOF)
        child.close()
    # The slider is row 2 (a label above it). Nothing else is rewritten, and a step costs a
    # small fraction of a frame: a few hundred bytes, against several kilobytes.
    assert len(rows_drawn(first)) >= 4  # labels, sliders, footer: the parser sees rows
    assert rows_drawn(step) == {2}
    assert len(step) < 1000
    assert len(step) * 8 < full_frame

"""The README shows the dashboard wherever it is read (GitHub, PyPI, a terminal): as text, the
text of the dashboard's 80x24 snapshot, and no image that needs the repository beside it."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = (
    ROOT
    / "tests/screens/__snapshots__/test_snapshots_dashboard"
    / "test_dashboard_auto_recharge_on[80x24].svg"
)
_TEXT = re.compile(
    r'<text [^>]*x="([\d.]+)"[^>]*textLength="([\d.]+)"[^>]*'
    r'clip-path="url\(#[\w-]*line-(\d+)\)"[^>]*>([^<]*)</text>'
)


def svg_rows(svg: str) -> list[str]:
    """The rows of a terminal snapshot, as its text elements place them."""
    found = [
        (float(x), float(length) / len(text), int(row), text)
        for x, length, row, raw in _TEXT.findall(svg)
        if (text := html.unescape(raw).replace("\xa0", " "))
    ]
    left = min(x for x, _, _, _ in found)
    cells: dict[int, dict[int, str]] = defaultdict(dict)
    for x, width, row, text in found:
        for offset, char in enumerate(text):
            cells[row][round((x - left) / width) + offset] = char
    return [
        "".join(cells[row].get(col, " ") for col in range(max(cells[row], default=-1) + 1)).rstrip()
        for row in range(max(cells) + 1)
    ]


def test_the_readme_draws_the_dashboard_as_text_not_an_image() -> None:
    readme = (ROOT / "README.md").read_text()
    assert not re.search(r"!\[[^\]]*\]\((?!https://)", readme), "a relative image breaks off GitHub"
    shown = readme.split("```text\n", 1)[1].split("\n```", 1)[0].splitlines()
    assert shown == svg_rows(SNAPSHOT.read_text())

"""The Textual internals we rely on were checked against the Textual installed and pinned."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_hooks_were_checked_against_the_installed_and_pinned_textual() -> None:
    readme = (ROOT / "widgets" / "textual_hooks" / "README.md").read_text(encoding="utf-8")
    checked = re.search(r"checked against \*\*Textual (\S+)\*\*", readme)
    assert checked is not None
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert f"textual=={checked.group(1)}" in project["project"]["dependencies"]
    assert version("textual") == checked.group(1)

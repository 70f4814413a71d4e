"""What every benchmark shares: medians, result rows, isolated directories for the app."""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(sys.executable).parent


@dataclass
class Row:
    """One measured line of a table: value beside its reference, the ratio, the goal, met?"""

    what: str
    value: str
    reference: str = ""
    ratio: str = ""
    goal: str = ""
    met: bool | None = None

    @property
    def verdict(self) -> str:
        if self.met is None:
            return ""
        return "met" if self.met else "MISSED"


@dataclass
class Table:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"## {self.title}", ""]
        lines.append("| measured | value | reference | ratio | goal | verdict |")
        lines.append("|---|---:|---:|---:|---|---|")
        for r in self.rows:
            lines.append(
                f"| {r.what} | {r.value} | {r.reference} | {r.ratio} | {r.goal} | {r.verdict} |"
            )
        lines.append("")
        lines += [f"- {note}" for note in self.notes]
        lines.append("")
        return "\n".join(lines)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of `values` (fraction in 0..1)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def kb(count: float) -> str:
    return f"{count / 1024:.1f} KB" if count >= 1024 else f"{count:.0f} B"


def isolated_env(workdir: Path, **extra: str) -> dict[str, str]:
    """An environment whose XDG dirs are private to one run: no config, session or lock shared."""
    env = dict(os.environ)
    for name in ("CONFIG", "DATA", "STATE", "CACHE", "RUNTIME"):
        target = workdir / name.lower()
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        env[f"XDG_{name}_HOME" if name != "RUNTIME" else "XDG_RUNTIME_DIR"] = str(target)
    for name in list(env):
        if name.startswith(("CREDITS_TUI_", "CREDITS_SERVER_", "TEXTUAL")):
            del env[name]
    env.update({"TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8"})
    env.pop("NO_COLOR", None)
    env.update(extra)
    return env


def workdir(prefix: str) -> Path:
    """A fresh directory, removed when the benchmark process exits (1M rows are 200 MB)."""
    path = Path(tempfile.mkdtemp(prefix=f"credits-bench-{prefix}-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path

"""The installed console scripts answer --version and --help."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from credits_core.version import version


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # The console script installed beside this Python (the project's venv), else one on PATH.
    beside = Path(sys.executable).parent / args[0]
    exe = str(beside) if beside.exists() else shutil.which(args[0])
    assert exe is not None, f"{args[0]} is not installed in this environment"
    return subprocess.run([exe, *args[1:]], capture_output=True, text=True, timeout=60, check=False)


def test_version_prints_the_package_version() -> None:
    result = _run("credits-tui", "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"credits-tui {version()}"


@pytest.mark.parametrize("command", ["credits-tui", "credits-server"])
def test_help_describes_the_command(command: str) -> None:
    result = _run(command, "--help")
    assert result.returncode == 0
    assert f"usage: {command}" in result.stdout


def test_the_readme_run_command_starts_credits_tui() -> None:
    # `bash scripts/run` is the README's first command; --version keeps it off the screen.
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        ["bash", str(root / "scripts" / "run"), "--version"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=root,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"credits-tui {version()}"

"""The project's version, read from the installed package's metadata (pyproject.toml's)."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DISTRIBUTION = "credits-tui"
"""The name the app and the server are installed under (one wheel, one version)."""
_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


@functools.cache
def version() -> str:
    """The installed version; from pyproject.toml in a source tree that is not installed."""
    # importlib.metadata costs tens of milliseconds to import (email, zipfile, csv): imported
    # here, when a version is first asked for, not when the app starts.
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version(DISTRIBUTION)
    except PackageNotFoundError:
        return _source_version()


def _source_version() -> str:
    import tomllib

    try:
        project = tomllib.loads(_PYPROJECT.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return "0+unknown"
    return str(project.get("version", "0+unknown"))


class PrintVersion(argparse.Action):
    """`--version` that reads the version only when it is asked for: argparse's own "version"
    action wants the text when the parser is built, at every start of the command."""

    def __init__(
        self,
        option_strings: Sequence[str],
        dest: str = argparse.SUPPRESS,
        default: str = argparse.SUPPRESS,
        help: str = "show the program's version and exit",
    ) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        sys.stdout.write(f"{parser.prog} {version()}\n")
        parser.exit()

"""The app's start reads its plain flags without argparse, and reads them as argparse would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import app_flags, build_parser

SAME_AS_ARGPARSE = [
    [],
    ["--api-url", "http://127.0.0.1:8000"],
    ["--api-url=http://127.0.0.1:8000", "--email", "a@example.com"],
    ["--config", "/tmp/c.toml", "--theme", "nord", "--no-mouse", "--ascii"],
    ["--email=", "--email", "b@example.com"],  # the last one wins
]
LEFT_TO_ARGPARSE = [
    ["balance"],
    ["--help"],
    ["--version"],
    ["--api", "http://x"],  # an abbreviation
    ["--email"],
    ["--email", "--ascii"],
    ["--theme", "-1"],  # argparse takes "-1" as a value; simpler to let it
    ["--ascii=yes"],
    ["--", "--ascii"],
    ["--api-url", "http://x", "logout"],
]


@pytest.mark.parametrize("argv", SAME_AS_ARGPARSE)
def test_plain_flags_read_as_argparse_reads_them(argv: list[str]) -> None:
    flags = app_flags(argv)
    assert flags is not None
    assert vars(flags) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", LEFT_TO_ARGPARSE)
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert app_flags(argv) is None


def test_the_config_flag_is_a_path() -> None:
    flags = app_flags(["--config", "c.toml"])
    assert flags is not None
    assert flags.config == Path("c.toml")

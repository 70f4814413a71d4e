"""An operator's mistake is one line naming the setting and where it came from, and exit status
2: a bad value, a name that is no setting (with the nearest one), an unknown gateway, a database
that cannot be reached, PostgreSQL without its driver. Never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from credits_server.cli import main
from tests.support.live_server import credits_server_executable
from tests.support.operator_cli import run_credits_server


def run(
    tmp_path: Path, *args: str, installed: bool = False, **env: str
) -> subprocess.CompletedProcess[str]:
    """The command in this process (tests/support/operator_cli.py), or, when `installed`, as the
    installed console script in a process of its own."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CREDITS_SERVER_")}
    environ["CREDITS_SERVER_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}"
    environ["CREDITS_SERVER_CONFIG"] = str(tmp_path / "config.toml")
    environ.update(env)
    if not installed:
        return run_credits_server(args, environ)
    return subprocess.run(
        [credits_server_executable(), *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        check=False,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("credits-server: ")
    return lines[0]


@pytest.mark.parametrize(
    ("env", "says"),
    [
        (
            {"CREDITS_SERVER_TOPUP_MIN": "ten"},
            "bad value for 'topup_min' in the environment variable CREDITS_SERVER_TOPUP_MIN",
        ),
        (
            {"CREDITS_SERVER_TOPUP_MNI": "1000"},
            "unknown setting CREDITS_SERVER_TOPUP_MNI in the environment "
            "(did you mean CREDITS_SERVER_TOPUP_MIN?)",
        ),
        (
            {"CREDITS_SERVER_GATEWAY": "stripy"},
            "bad value for 'gateway' in the environment variable CREDITS_SERVER_GATEWAY: "
            "no payment gateway 'stripy' (known: sandbox, stripe)",
        ),
        (
            {"CREDITS_SERVER_TRUSTED_PROXIES": '["10.0.0.0/33"]'},
            "bad value for 'trusted_proxies' in the environment variable",
        ),
        (
            {"CREDITS_SERVER_DATABASE_URL": "postgresql+asyncpg://ops:hunter2@127.0.0.1:1/credits"},
            "cannot reach the database postgresql+asyncpg://ops:***@127.0.0.1:1/credits",
        ),
    ],
)
def test_a_bad_environment_is_one_line(tmp_path: Path, env: dict[str, str], says: str) -> None:
    for command in (["migrate"], ["serve", "--port", "1", "--migrate"]):
        line = one_line(run(tmp_path, *command, **env))
        assert says in line
        assert "hunter2" not in line


def test_a_misspelt_key_in_the_settings_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("topup_mni = 1000\n")
    # The installed command itself: its one line, exit 2 and no traceback, as an operator sees it.
    line = one_line(run(tmp_path, "migrate", installed=True))
    assert line.endswith(
        f"unknown setting 'topup_mni' in {tmp_path / 'config.toml'} (did you mean 'topup_min'?)"
    )


def test_a_bad_value_in_the_settings_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('card_saves_max = "many"\n')
    line = one_line(run(tmp_path, "migrate"))
    assert f"bad value for 'card_saves_max' in the settings file {tmp_path / 'config.toml'}" in line


def test_postgresql_without_its_driver_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in list(os.environ):
        if name.startswith("CREDITS_SERVER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CREDITS_SERVER_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CREDITS_SERVER_DATABASE_URL", "postgresql://ops@127.0.0.1:1/credits")
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # as if `postgres` extra were not installed

    assert main(["migrate"]) == 2

    line = capsys.readouterr().err.strip()
    assert "\n" not in line
    assert "asyncpg" in line
    assert line.endswith("install credits-tui[postgres]")

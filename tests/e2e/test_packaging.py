"""The wheel a person installs who does not develop credits-tui: what it declares, and that it runs.

The wheel is built from this checkout and installed into a fresh virtual environment without the
dev group, the way `uv tool install` or `pipx` would (from uv's cache: the tests reach no index).
"""

from __future__ import annotations

import os
import subprocess
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def uv(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "uv"), *args],  # the uv the README's commands use
        cwd=ROOT,
        env={**os.environ, **(env_extra or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    uv("build", "--wheel", "--out-dir", str(out))
    (built,) = out.glob("credits_tui-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin directory of a fresh environment holding the wheel and its runtime dependencies."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    # The locked runtime dependencies alone (no dev group, no extra), as uv.lock pins them, then
    # the wheel itself over them.
    uv(
        "sync",
        "--frozen",
        "--offline",
        "--no-dev",
        "--no-install-project",
        "--quiet",
        env_extra={"UV_PROJECT_ENVIRONMENT": str(venv)},
    )
    python = str(venv / "bin" / "python")
    uv("pip", "install", "--quiet", "--offline", "--no-deps", "--python", python, str(wheel))
    return venv / "bin"


def metadata(wheel: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        message = Parser().parsestr(archive.read(name).decode())
    fields: dict[str, list[str]] = {}
    for key, value in message.items():
        fields.setdefault(key, []).append(value)
    return fields


def test_the_wheel_carries_its_licence_and_says_where_it_runs(wheel: Path) -> None:
    fields = metadata(wheel)
    assert fields["License-Expression"] == ["MIT"]
    with zipfile.ZipFile(wheel) as archive:
        licence = [n for n in archive.namelist() if n.endswith("licenses/LICENSE")]
        assert licence, archive.namelist()
        assert "MIT License" in archive.read(licence[0]).decode()
    assert "Operating System :: POSIX :: Linux" in fields["Classifier"]


def test_the_postgresql_driver_is_an_extra(wheel: Path) -> None:
    fields = metadata(wheel)
    assert "postgres" in fields["Provides-Extra"]
    asyncpg = [r for r in fields["Requires-Dist"] if r.startswith("asyncpg")]
    assert asyncpg
    assert all("extra == 'postgres'" in r for r in asyncpg), asyncpg


def test_installed_without_extras_both_commands_run_on_sqlite_alone(
    installed: Path, tmp_path: Path
) -> None:
    python = str(installed / "python")
    probe = subprocess.run(
        [python, "-c", "import importlib.util as u; print(u.find_spec('asyncpg') is None)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "True"  # no PostgreSQL driver came along

    for command in ("credits-tui", "credits-server"):
        version = subprocess.run(
            [str(installed / command), "--version"], capture_output=True, text=True, check=False
        )
        assert version.returncode == 0, version.stderr
        assert version.stdout.startswith(command)

    # The server's whole SQLite path (migrations, the demo account) with the extra left out.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "CREDITS_SERVER_DATABASE_URL": f"sqlite:///{tmp_path / 'credits.db'}",
    }
    migrate = subprocess.run(
        [str(installed / "credits-server"), "migrate"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    assert (tmp_path / "credits.db").stat().st_size > 0

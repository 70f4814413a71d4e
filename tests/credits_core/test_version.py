"""One version for the app, the server and the User-Agent: the package metadata's."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import httpx

import credits_server
import tui
from credits_client.api.client import CreditsClient
from credits_core import version as version_module
from credits_core.version import version

ROOT = Path(__file__).resolve().parents[2]


def test_the_version_is_pyproject_s() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version() == declared
    assert tui.__version__ == credits_server.__version__ == declared


def test_a_source_tree_that_is_not_installed_reads_pyproject() -> None:
    assert version_module._source_version() == version()


async def test_the_server_is_told_which_app_version_calls() -> None:
    agents: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        agents.append(request.headers["User-Agent"])
        return httpx.Response(200, json={"version": version(), "demo": None})

    client = CreditsClient("http://credits.test", transport=httpx.MockTransport(server))
    try:
        await client.server_info()
    finally:
        await client.aclose()
    assert agents == [f"credits-tui/{version()}"]


def test_starting_the_cli_does_not_read_the_metadata() -> None:
    # importlib.metadata costs tens of milliseconds: only `--version` may pay for it.
    script = (
        "import sys, tui.cli\ntui.cli.build_parser()\nprint('importlib.metadata' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"

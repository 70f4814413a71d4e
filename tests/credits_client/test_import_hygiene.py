"""The app starts fast: importing the store and client loads no server, FastAPI or SQLAlchemy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = (
    "credits_server",
    "fastapi",
    "sqlalchemy",
    "starlette",
    "uvicorn",
    "aiosqlite",
    "textual",
)


def test_store_imports_no_server_and_no_textual() -> None:
    script = (
        "import json, sys\n"
        "import credits_client.store, credits_client.config, credits_client.session_file\n"
        "import credits_client.api.client, credits_client.api.events\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=ROOT
    )
    loaded = set(json.loads(result.stdout))
    assert not loaded & set(FORBIDDEN), loaded & set(FORBIDDEN)


def test_the_app_imports_no_server() -> None:
    script = (
        "import json, sys\n"
        "import tui.cli, tui.app, tui.launch\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=ROOT
    )
    loaded = set(json.loads(result.stdout))
    server_side = {"credits_server", "fastapi", "sqlalchemy", "starlette", "uvicorn", "aiosqlite"}
    assert not loaded & server_side, loaded & server_side


def test_what_paints_the_login_screen_loads_no_pydantic_httpx_or_settings() -> None:
    # Everything up to the first paint: pydantic (~0.15 s), pydantic-settings (~0.3 s), httpx and
    # stamina are loaded by a worker once the login screen is on screen (tui.launch).
    script = (
        "import json, sys\n"
        "import tui.cli, tui.app, tui.launch, screens.login\n"
        "tui.launch.peek(None, {}, 'theme')\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=ROOT
    )
    loaded = set(json.loads(result.stdout))
    deferred = {
        "pydantic",
        "pydantic_settings",
        "httpx",
        "stamina",
        "credits_client.config",
        "credits_client.store",
    }
    assert not loaded & deferred, loaded & deferred

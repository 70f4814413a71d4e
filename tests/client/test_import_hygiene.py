"""The app starts fast: importing the store and client loads no server, FastAPI or SQLAlchemy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("server", "fastapi", "sqlalchemy", "starlette", "uvicorn", "aiosqlite", "textual")


def test_store_imports_no_server_and_no_textual() -> None:
    script = (
        "import json, sys\n"
        "import tui.store, tui.config, tui.session_file, tui.api.client, tui.api.events\n"
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
    server_side = {"server", "fastapi", "sqlalchemy", "starlette", "uvicorn", "aiosqlite"}
    assert not loaded & server_side, loaded & server_side

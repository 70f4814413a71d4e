"""credits_core is shared by the app and the server because it depends on neither: only the
standard library may be loaded by importing it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_credits_core_loads_only_the_standard_library() -> None:
    modules = sorted(p.stem for p in (ROOT / "credits_core").glob("*.py") if p.stem != "__init__")
    script = (
        "import json, sys\n"
        f"for name in {modules!r}: __import__('credits_core.' + name)\n"
        "from credits_core.version import version\n"
        "version()\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", script],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    loaded = set(json.loads(result.stdout)) - {"credits_core", "__main__"}
    assert loaded <= sys.stdlib_module_names, sorted(loaded - sys.stdlib_module_names)
    assert len(modules) >= 6

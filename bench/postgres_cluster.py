"""A throwaway PostgreSQL cluster for the benchmarks, durable as deployed: fsync on,
synchronous_commit on, full_page_writes on (unlike scripts/test's cluster, which turns them off).

Started like scripts/test's start_postgres (initdb in a temp dir, owned by `postgres` when run as
root, 127.0.0.1, a free port, --no-locale); stopped and removed afterwards, even on failure.
Each benchmark server gets a database of its own (tests.support.postgres.private_database_url).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.live_server import free_port
from tests.support.postgres import ENVIRONMENT

DURABILITY = "fsync=on, synchronous_commit=on"
NOT_INSTALLED = "not run: PostgreSQL not installed"


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: p.split("/")[-3])
    return Path(found[-1]).parent if found else None


@contextmanager
def cluster() -> Iterator[str]:
    """Start a cluster and yield its admin URL (also exported as CREDITS_TEST_DATABASE_URL)."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError(NOT_INSTALLED)
    directory = Path(tempfile.mkdtemp(prefix="credits-bench-pg-"))
    as_pg: list[str] = []
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: the cluster belongs to the `postgres` user.
        shutil.chown(directory, "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    data = directory / "data"
    port = free_port()
    previous = os.environ.get(ENVIRONMENT)
    started = False
    try:
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
        subprocess.run(
            [*as_pg, *initdb, "-E", "UTF8", "--no-locale"],
            check=True,
            capture_output=True,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c max_connections=400"
            " -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
        )
        pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(directory / "log")]
        subprocess.run(
            [*as_pg, *pg_ctl, "-w", "-t", "60", "-o", options, "start"],
            check=True,
            capture_output=True,
        )
        started = True
        url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
        os.environ[ENVIRONMENT] = url
        yield url
    finally:
        if previous is None:
            os.environ.pop(ENVIRONMENT, None)
        else:
            os.environ[ENVIRONMENT] = previous
        if started:
            subprocess.run(
                [*as_pg, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                check=False,
                capture_output=True,
            )
        shutil.rmtree(directory, ignore_errors=True)

"""Run every benchmark and write bench/RESULTS.md: `python3 -m uv run python -m bench [--quick]`.

`--only NAME ...` runs some (startup memory bytes server storm postgres history export trips ssh)
and prints them without writing RESULTS.md. `postgres`: the server and storm benchmarks again on a
throwaway PostgreSQL cluster (fsync on), when PostgreSQL is installed. HTTP throughput load comes
from wrk, installed with apt-get when missing and running as root.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bench import (
    export,
    history,
    memory,
    postgres_cluster,
    round_trips,
    server_load,
    ssh,
    startup,
    storm,
    terminal_bytes,
    wrk,
)
from bench.common import ROOT, Row, Table


def on_postgres(body: Callable[[], list[Table]]) -> list[Table]:
    """The tables `body` makes on a throwaway PostgreSQL cluster, stopped and removed after."""
    if postgres_cluster.binaries() is None:
        table = Table(f"4b/5b. PostgreSQL ({postgres_cluster.DURABILITY})")
        table.rows.append(Row("server throughput and storm", postgres_cluster.NOT_INSTALLED))
        return [table]
    with postgres_cluster.cluster():
        return body()


def plan(quick: bool) -> dict[str, Callable[[], Table | list[Table]]]:
    return {
        "startup": lambda: startup.run(3 if quick else 7),
        "memory": lambda: memory.run(1 if quick else 3),
        "bytes": lambda: terminal_bytes.run(1 if quick else 3),
        "server": lambda: server_load.run(1 if quick else 3, 2.0 if quick else 3.0),
        "storm": lambda: storm.run(1 if quick else 2, crossings=5 if quick else 11),
        "postgres": lambda: on_postgres(
            lambda: [
                server_load.run(1 if quick else 3, 2.0 if quick else 3.0, postgres=True),
                storm.run(1 if quick else 2, postgres=True, crossings=5 if quick else 11),
            ]
        ),
        "history": lambda: history.run(5 if quick else 15),
        "export": export.run,
        "trips": round_trips.run,
        "ssh": lambda: ssh.run(3 if quick else 7),
    }


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo").read().splitlines():  # noqa: SIM115 - tiny file
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    memory_kib = 0
    for line in open("/proc/meminfo").read().splitlines():  # noqa: SIM115 - tiny file
        if line.startswith("MemTotal:"):
            memory_kib = int(line.split()[1])
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory_kib / 1024 / 1024:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
        f"load average at the start {load} (the machine is shared)"
    )


def commit() -> str:
    """HEAD, and how many files outside bench/ differ from it (what was really measured)."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    dirty = [line for line in status if not line[3:].startswith("bench/")]
    if dirty:
        return f"{head or 'unknown'} plus {len(dirty)} uncommitted files in the working tree"
    return head or "unknown"


def failed(name: str, error: BaseException) -> Table:
    table = Table(f"{name}: did not run")
    table.rows.append(Row("error", f"`{type(error).__name__}: {str(error)[:200]}`", met=False))
    return table


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (~4 minutes)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these; no file")
    args = parser.parse_args()
    steps = plan(args.quick)
    names = args.only or list(steps)
    header = [
        "# Benchmark results",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit {commit()};"
        f" {'quick' if args.quick else 'full'} run.",
        f"- Machine: {machine()}.",
        f"- Durability: the server uses SQLite WAL with synchronous={server_load.DURABILITY};"
        f" tables 4b and 5b run it on PostgreSQL with {postgres_cluster.DURABILITY}.",
        "- Ratios are against a reference measured in the same run; medians throughout.",
        f"- HTTP throughput load: {wrk.version()} (bench/wrk.py), its ceiling printed beside"
        " each reference; the 1,000-connection storm: bench/loadgen.py (Python).",
        "- Causes of the missed goals, found by profiling: `bench/FINDINGS.md`.",
        "- Regenerate: `python3 -m uv run python -m bench` (add `--quick` for fewer repetitions).",
        "",
    ]
    tables: list[str] = []
    summary = Table("Summary: every goal")
    started = time.monotonic()
    for name in names:
        began = time.monotonic()
        print(f"bench: {name}...", file=sys.stderr, flush=True)
        try:
            made = steps[name]()
        except Exception as error:  # one broken benchmark must not lose the others
            made = failed(name, error)
        step_tables = made if isinstance(made, list) else [made]
        step_tables[-1].notes.append(f"Took {time.monotonic() - began:.0f} s.")
        for table in step_tables:
            number = table.title.split(" ", 1)[0]
            summary.rows += [
                Row(f"{number} {row.what}", row.value, row.reference, row.ratio, row.goal, row.met)
                for row in table.rows
                if row.met is not None
            ]
            text = table.markdown()
            print(text, flush=True)
            tables.append(text)
    header.insert(4, f"- The whole run took {time.monotonic() - started:.0f} s.")
    if not args.only:
        document = [*header, summary.markdown(), *tables]
        (ROOT / "bench" / "RESULTS.md").write_text("\n".join(document))
        print(f"bench: wrote {ROOT / 'bench' / 'RESULTS.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

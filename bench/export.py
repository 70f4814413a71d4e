"""7. Export at scale: the ledger as CSV (GET /v1/account/transactions.csv) with 1,000,000 entries
in one account, against 10,000 (the reference): time, and the peak RSS of the server and of the
client, which must not grow with the ledger (both stream: keyset pages on the server, httpx
streaming into the file on the client).

The entries are written straight into the server's SQLite file in bulk (bench.server_setup's
bulk_entries). The client is `credits_client.api.export.export_csv`, the app's own, run in a
process of its own (bench/export_client.py) so its peak RSS is its own.
The server's peak is read from /proc/PID/status (VmHWM) after resetting it just before each
export (`echo 5 > /proc/PID/clear_refs`), so it is the peak of that export alone.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from bench.app_driver import peak_rss_kib
from bench.common import PYTHON, ROOT, Row, Table, workdir
from bench.server_setup import bulk_entries, live_server

SIZES = (10_000, 1_000_000)
GOAL_RATIO = 1.5  # peak memory at 1M entries against 10k: flat, not 100 times more


def reset_peak(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:  # not ours to reset (another user): the peak is then the process's lifetime
        return False


def client_export(url: str, token: str, target: Path) -> dict[str, Any]:
    answer = subprocess.run(
        [PYTHON, "-m", "bench.export_client", url, token, str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(answer.stdout)
    return result


def run(sizes: tuple[int, ...] = SIZES) -> Table:
    table = Table("7. Export at scale: GET /v1/account/transactions.csv, streamed to a file")
    folder = workdir("export")
    measured: dict[int, dict[str, Any]] = {}
    with live_server(folder / "server") as server:
        assert server.process is not None
        for size in sizes:
            owner = server.make_owner(balance=10**12, with_card=False)
            seeded = bulk_entries(server.database_path, owner.account_id, size - 1)
            target = folder / f"export-{size}.csv"
            resettable = reset_peak(server.process.pid)
            outcome = client_export(server.url, owner.token, target)
            outcome |= {
                "server_kib": peak_rss_kib(server.process.pid),
                "seeded": seeded,
                "resettable": resettable,
                "bytes": target.stat().st_size,
            }
            assert outcome["rows"] == size, outcome
            target.unlink()
            measured[size] = outcome
    small, large = measured[sizes[0]], measured[sizes[-1]]
    for who, key in (("server", "server_kib"), ("client", "client_kib")):
        ratio = large[key] / small[key]
        table.rows.append(
            Row(
                f"{who} peak RSS exporting {sizes[-1]:,} entries",
                f"{large[key] / 1024:.1f} MB",
                f"{sizes[0]:,} entries {small[key] / 1024:.1f} MB",
                f"{ratio:.2f}x",
                f"<= {GOAL_RATIO}x (bounded)",
                ratio <= GOAL_RATIO,
            )
        )
    for size in sizes:
        done = measured[size]
        table.rows.append(
            Row(
                f"time to export {size:,} entries",
                f"{done['seconds']:.1f} s",
                f"{size / done['seconds']:,.0f} rows/s, {done['bytes'] / 2**20:.0f} MiB of CSV",
            )
        )
    seeded = ", ".join(f"{size:,} in {measured[size]['seeded']:.1f} s" for size in sizes)
    table.notes.append(
        f"One run each. Bulk insert: {seeded}. Server peak: VmHWM reset before the export "
        f"({'done' if large['resettable'] else 'not permitted: lifetime peak'}); client peak: "
        "VmHWM of the exporting process (Python, httpx and the client library included)."
    )
    return table


if __name__ == "__main__":
    print(run().markdown())

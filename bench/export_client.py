"""The client side of bench/export.py, in a process of its own so its peak RSS is the client's:
`python -m bench.export_client URL TOKEN FILE` exports the account's ledger with the app's own
`credits_client.api.export.export_csv` and prints JSON {rows, seconds, client_kib}. It imports
nothing but the client library (bench.export's own imports include the test server's helpers)."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from credits_client.api.client import CreditsClient
from credits_client.api.export import ExportFilter, export_csv


def main(url: str, token: str, target: str) -> None:
    async def export() -> int:
        client = CreditsClient(url, timeout=60)
        client.set_token(token)
        try:
            return await export_csv(client, Path(target), ExportFilter())
        finally:
            await client.aclose()

    started = time.perf_counter()
    rows = asyncio.run(export())
    seconds = time.perf_counter() - started
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forking parent (the
    # benchmark, with the server's modules loaded), while VmHWM is this program's own.
    status = Path("/proc/self/status").read_text().splitlines()
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(json.dumps({"rows": rows, "seconds": seconds, "client_kib": peak}))


if __name__ == "__main__":
    main(*sys.argv[1:4])

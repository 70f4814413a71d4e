"""A load generator in its own process: `python -m bench.loadgen '<json spec>'` prints JSON.

Only the storm (bench/storm.py) uses it: exactly one debit on each of 1,000 connections at once,
which wrk cannot send. It tops out near 1,300 requests a second on these 2 cores, so every
throughput figure comes from wrk (bench/wrk.py) instead.

Spec: url, kind ("hello" | "topup" | "usage" | "usage_batch"), concurrency, max_requests,
max_seconds, and per kind: token, payment_method_id, account_id, batch. Each of `concurrency`
workers sends one request at a time on a shared httpx.AsyncClient (127.0.0.1 only) until the
count or the time is used up. Every request is unique (its own Idempotency-Key or reference).
"""

from __future__ import annotations

import asyncio
import json
import ssl
import sys
import time
import uuid
from typing import Any

import httpx


def request_for(spec: dict[str, Any], number: int) -> tuple[str, str, dict[str, Any], Any]:
    kind = spec["kind"]
    auth = {"Authorization": f"Bearer {spec.get('token', '')}"}
    if kind == "hello":
        return "GET", "/hello", {}, None
    if kind == "topup":
        headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
        body = {"amount": 1000, "payment_method_id": spec["payment_method_id"]}
        return "POST", "/v1/topups", headers, body
    run = spec.get("run", "r")
    if kind == "usage":
        record = {"account_id": spec["account_id"], "amount": spec.get("amount", 1), "kind": "call"}
        return "POST", "/v1/usage", auth, {**record, "reference": f"{run}-{number}"}
    if kind == "usage_batch":
        records = [
            {
                "account_id": spec["account_id"],
                "amount": 1,
                "kind": "call",
                "reference": f"{run}-{number}-{index}",
            }
            for index in range(spec["batch"])
        ]
        return "POST", "/v1/usage", auth, {"records": records}
    raise ValueError(kind)


async def main(spec: dict[str, Any]) -> dict[str, Any]:
    assert spec["url"].startswith("http://127.0.0.1:"), "loopback only"
    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = iter(range(spec["max_requests"]))
    # One client (one keep-alive connection) per worker: a shared pool of 64 connections costs
    # the generator more CPU per request than the server it is measuring.
    # One TLS context for all (never used on http://, but building one each costs ~40 ms).
    shared_tls = ssl.create_default_context()
    clients = [
        httpx.AsyncClient(base_url=spec["url"], timeout=60, verify=shared_tls)
        for _ in range(spec["concurrency"])
    ]
    try:
        deadline = time.monotonic() + spec["max_seconds"]

        async def worker(client: httpx.AsyncClient) -> None:
            for number in counter:
                if time.monotonic() >= deadline:
                    return
                method, path, headers, body = request_for(spec, number)
                started = time.perf_counter()
                try:
                    answer = await client.request(method, path, headers=headers, json=body)
                    ok = answer.status_code < 300
                    label = str(answer.status_code)
                except httpx.HTTPError as error:
                    ok, label = False, type(error).__name__
                latencies.append(time.perf_counter() - started)
                if not ok:
                    errors[label] = errors.get(label, 0) + 1

        started_at = time.time()
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for client in clients))
        elapsed = time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()
    return {
        "started_at": started_at,
        "count": len(latencies),
        "elapsed": elapsed,
        "latencies": latencies,
        "errors": errors,
    }


if __name__ == "__main__":
    result = asyncio.run(main(json.loads(sys.argv[1])))
    json.dump(result, sys.stdout)

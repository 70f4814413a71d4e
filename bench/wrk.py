"""HTTP load from wrk (Debian's `wrk`, C and epoll): a generator that outruns the servers measured.

`ensure()` finds wrk, or installs the Debian package when running as root (apt-get), the way the
benchmark needs PostgreSQL installed for its tables 4b/5b. A Lua script (written per run) makes
every request unique: top-ups get their own Idempotency-Key, debits their own reference, made of
the run's name, the wrk thread and a counter. `load()` returns the counts from wrk's `done` hook.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

NOT_INSTALLED = "not run: wrk not installed (apt-get install wrk, as root)"
THREADS = 1  # one wrk thread outruns one server process and leaves the other core to it

# Lua: `init` reads the request's shape from the script's arguments; `request` builds each one.
SCRIPT = r"""
local kind, run, token, account, extra, batch
local counter = 0
local threads = {}
thread_id = 0 -- set per thread by setup(), a global so that thread:set reaches it

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  kind, run, token, account, extra = args[1], args[2], args[3], args[4], args[5]
  batch = tonumber(args[6])
end

local function usage_record(reference)
  return '{"account_id":"' .. account .. '","amount":' .. extra ..
    ',"kind":"call","reference":"' .. reference .. '"}'
end

function request()
  counter = counter + 1
  local unique = run .. "-" .. thread_id .. "-" .. counter
  local auth = "Bearer " .. token
  if kind == "hello" then
    return wrk.format("GET", "/hello")
  elseif kind == "topup" then
    local body = '{"amount":1000,"payment_method_id":"' .. extra .. '"}'
    return wrk.format("POST", "/v1/topups", {["Authorization"] = auth,
      ["Idempotency-Key"] = unique, ["Content-Type"] = "application/json"}, body)
  elseif kind == "usage" then
    return wrk.format("POST", "/v1/usage", {["Authorization"] = auth,
      ["Content-Type"] = "application/json"}, usage_record(unique))
  else
    local records = {}
    for index = 1, batch do records[index] = usage_record(unique .. "-" .. index) end
    return wrk.format("POST", "/v1/usage", {["Authorization"] = auth,
      ["Content-Type"] = "application/json"}, '{"records":[' .. table.concat(records, ",") .. ']}')
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def binary() -> str | None:
    return shutil.which("wrk")


def ensure() -> str | None:
    """wrk's path, installing the Debian package first when missing and running as root."""
    found = binary()
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=quiet, capture_output=True)
        found = binary()
    return found


def version() -> str:
    """wrk's version line, e.g. "wrk debian/4.1.0-3+b2 [epoll]", or the reason it will not run."""
    path = ensure()
    if path is None:
        return NOT_INSTALLED
    output = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
    return " ".join(output.splitlines()[0].split()[:3]) if output else "wrk"


def _script() -> Path:
    path = Path(tempfile.gettempdir()) / "credits-bench-wrk.lua"
    if not path.exists() or path.read_text() != SCRIPT:
        path.write_text(SCRIPT)
    return path


def load(spec: dict[str, Any]) -> dict[str, Any]:
    """One wrk run. Spec: url, kind (hello | topup | usage | usage_batch), concurrency, seconds,
    run (unique per run), and per kind token, payment_method_id, account_id, amount, batch.
    Returns rate (successful answers per second), p50 and p99 (seconds), errors (by kind)."""
    assert spec["url"].startswith("http://127.0.0.1:"), "loopback only"
    path = ensure()
    if path is None:
        raise RuntimeError(NOT_INSTALLED)
    kind = spec["kind"]
    extra = spec.get("payment_method_id", "") if kind == "topup" else str(spec.get("amount", 1))
    arguments = [
        kind,
        spec.get("run", "r"),
        spec.get("token", ""),
        spec.get("account_id", ""),
        extra,
        str(spec.get("batch", 1)),
    ]
    clients = spec["concurrency"]
    command = [
        path,
        f"-t{min(THREADS, clients)}",
        f"-c{clients}",
        f"-d{max(1, round(spec['seconds']))}s",
        "--timeout",
        "30s",
        "-s",
        str(_script()),
        spec["url"],
        "--",
        *arguments,
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("WRK-JSON "))
    counts = json.loads(line.removeprefix("WRK-JSON "))
    errors = {
        name: counts[name]
        for name in ("connect", "read", "write", "status", "timeout")
        if counts[name]
    }
    # A non-2xx answer (wrk's "status" error) is counted in requests but is not throughput.
    answered = counts["requests"] - counts["status"]
    return {
        "rate": answered / (counts["duration_us"] / 1e6),
        "p50": counts["p50_us"] / 1e6,
        "p99": counts["p99_us"] / 1e6,
        "errors": errors,
    }

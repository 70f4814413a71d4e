"""Two server processes on one database: one recharge per crossing between them, an event caused
through one reaches a client of the other (the database is the only bus), and a server with open
event streams stops promptly."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import httpx

from tests.support.engine import (
    FAST_ENGINE,
    collect_events,
    enable_auto_recharge,
    engine_server_at,
    intents,
    make_api_key,
    no_open_intent,
    post_usage,
    recharge_entries,
    stop_engine_server,
    usage,
)
from tests.support.live_server import LiveServer
from tests.support.wait import wait_for, wait_for_async


async def test_two_processes_share_the_work_and_the_events(tmp_path: Path) -> None:
    first = engine_server_at(tmp_path / "first")
    second = LiveServer(
        tmp_path / "second", env=dict(FAST_ENGINE), database_url_override=first.database_url
    )
    try:
        second.start()
        key = make_api_key(first)
        owner = first.make_owner(balance=2500)
        enable_auto_recharge(first, owner, threshold=1000, amount=2500)
        async with (
            collect_events(first, owner) as on_first,
            collect_events(second, owner) as on_second,
        ):
            post_usage(second, key, usage(owner.account_id, 10))
            await wait_for_async(lambda: bool(on_first.received) and bool(on_second.received))
        assert on_first.received == on_second.received
        assert on_first.received[0][2]["balance"] == 2490

        headers = {"Authorization": f"Bearer {key}"}
        async with (
            httpx.AsyncClient(base_url=first.url, headers=headers, timeout=60) as one,
            httpx.AsyncClient(base_url=second.url, headers=headers, timeout=60) as two,
        ):
            answers = await asyncio.gather(
                *(
                    (one if n % 2 else two).post("/v1/usage", json=usage(owner.account_id, 10))
                    for n in range(199)
                )
            )
        assert {a.status_code for a in answers} == {201}
        wait_for(lambda: no_open_intent(first, owner.account_id), what="recharge finished")
        assert intents(first, owner.account_id) == [("succeeded", None)]
        assert first.charge_count(owner.account_id) == 1
        assert [r.amount for r in recharge_entries(first, owner.account_id)] == [2500]
        assert first.balance(owner.account_id) == 2500 - 2000 + 2500

        # SIGTERM with event streams open: the server ends them and exits at once.
        async with collect_events(second, owner), collect_events(second, owner):
            assert second.process is not None
            process = second.process
            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=8)
        assert time.monotonic() - started < 5
        # uvicorn re-raises the signal it handled once it has shut down cleanly.
        assert process.returncode in (0, -signal.SIGTERM)
    finally:
        second.stop()
        stop_engine_server(first)

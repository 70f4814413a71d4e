"""Shared set-up for the snapshot tests: sizes, fixed owners and the keys that reach each state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from textual.pilot import Pilot

from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import on_dashboard, settle, type_text
from tests.support.wait import wait_for_async

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]

RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


def signed_in(*then: str | RunBefore) -> RunBefore:
    """Wait for the dashboard of a remembered session (`make_app(signed_in_as=...)`), then press
    keys (strings) or run steps, settling after each."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await on_dashboard(pilot)
        for step in then:
            if isinstance(step, str):
                await pilot.press(*step.split())
            else:
                await step(pilot)
            await settle(pilot)

    return run_before


def typing(text: str) -> RunBefore:
    async def step(pilot: Pilot[Any]) -> None:
        await type_text(pilot, text)

    return step


def until(condition: Callable[[Pilot[Any]], bool]) -> RunBefore:
    async def step(pilot: Pilot[Any]) -> None:
        await wait_for_async(lambda: condition(pilot), pilot=pilot)

    return step


def turn_auto_recharge_on(
    live_server: LiveServer, owner: Owner, threshold: int = 2000, amount: int = 5000
) -> None:
    """Set auto-recharge through the API, as another device would."""
    with httpx.Client(base_url=live_server.url, headers=owner.headers, timeout=10) as http:
        current = http.get("/v1/auto-recharge")
        body = {
            key: value
            for key, value in current.json().items()
            if key not in ("disabled_reason", "last_attempt", "bounds")
        }
        body.update(
            enabled=True,
            threshold=threshold,
            amount=amount,
            payment_method_id=owner.payment_method_id,
        )
        answer = http.put(
            "/v1/auto-recharge", json=body, headers={"If-Match": current.headers["ETag"]}
        )
        answer.raise_for_status()

"""The Notifications screen by keys: add a webhook and see its secret once, choose its events,
send a test, switch a target that was switched off back on, remove one after saying yes."""

from __future__ import annotations

from typing import Any

import httpx
from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.screens.conftest import MakeApp
from tests.screens.notify_support import give_targets
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import on_dashboard, screen_text, settle, type_text
from tests.support.wait import wait_for_async


def on_server(live_server: LiveServer, owner: Owner) -> list[dict[str, Any]]:
    with httpx.Client(base_url=live_server.url, headers=owner.headers) as api:
        targets: list[dict[str, Any]] = api.get("/v1/notification-targets").json()["data"]
        return targets


async def open_notifications(pilot: Pilot[Any]) -> None:
    from screens.notifications import NotificationsScreen

    await on_dashboard(pilot)
    await pilot.press("n")
    await wait_for_async(lambda: isinstance(pilot.app.screen, NotificationsScreen), pilot=pilot)
    await settle(pilot)


def said(pilot: Pilot[Any], text: str) -> bool:
    return text in screen_text(pilot, "#notify-result")


async def test_add_a_webhook_choose_its_events_test_it_and_remove_it(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner()
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_notifications(pilot)
        await type_text(pilot, "https://hooks.example.com/credits")
        await pilot.press("enter")
        await wait_for_async(lambda: said(pilot, "whsec_"), pilot=pilot)
        [target] = on_server(live_server, owner)
        assert target["address"] == "https://hooks.example.com/credits"
        assert "whsec_" not in str(target)

        await pilot.press("shift+tab")  # to the events: the usual three are ticked
        await settle(pilot)
        await pilot.press("space", "down", "space")  # untick low balance, tick the receipt
        await pilot.press("ctrl+e")
        await wait_for_async(lambda: said(pilot, "Events saved."), pilot=pilot)
        [target] = on_server(live_server, owner)
        assert target["events"] == [
            "auto_recharge.succeeded",
            "auto_recharge.failed",
            "auto_recharge.disabled",
        ]

        await pilot.press("ctrl+t")
        await wait_for_async(lambda: said(pilot, "Test msg_"), pilot=pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("y")
        await wait_for_async(lambda: said(pilot, "Removed"), pilot=pilot)
        assert on_server(live_server, owner) == []


async def test_a_switched_off_target_and_a_dead_letter_are_shown_and_it_is_switched_on(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner()
    give_targets(live_server, owner)
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_notifications(pilot)
        table = pilot.app.screen.query_one("#notify-targets", DataTable)
        await wait_for_async(lambda: table.row_count == 2, pilot=pilot)
        assert "answered 503" in screen_text(pilot, "#notify-dead")
        assert not said(pilot, "failing since")  # the email target, on, is highlighted
        await pilot.press("tab", "down")  # to the webhook
        await wait_for_async(lambda: said(pilot, "failing since"), pilot=pilot)
        await pilot.press("ctrl+o")
        await wait_for_async(lambda: said(pilot, "is on again"), pilot=pilot)
        assert [t["enabled"] for t in on_server(live_server, owner)] == [True, True]


def test_the_app_tells_of_a_target_the_server_switched_off() -> None:
    from datetime import UTC, datetime

    from credits_client.api.models import Event
    from screens.messages import describe_event

    event = Event(
        id=7,
        type="notifications.target_disabled",
        created_at=datetime(2026, 11, 20, tzinfo=UTC),
        data={"target_id": "nt_1", "address": "https://hooks.acme.example/x", "error": "503"},
    )
    assert describe_event(event) == (
        "Notifications switched off",
        "https://hooks.acme.example/x failed for days. See Notifications (n) to switch it on"
        " again.",
        "warning",
    )

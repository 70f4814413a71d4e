"""The card charged, the backup card, the daily limit and the monthly cap: set by keys, saved on
the real server, and shown again by a new app signed in afterwards."""

from __future__ import annotations

import httpx
from textual.widgets import Input, Select

from tests.screens.conftest import MakeApp
from tests.support.cards import card_token_sync
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import open_auto_recharge, run_on_dashboard, screen_text, type_text
from tests.support.wait import wait_for_async

MASTERCARD = {"number": "5555555555554444", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


def add_card(live_server: LiveServer, owner: Owner) -> str:
    with httpx.Client(base_url=live_server.url, headers=owner.headers, timeout=30) as http:
        token = card_token_sync(http, MASTERCARD)  # tokenized at the gateway, as the app does
        answer = http.post("/v1/payment-methods", json={"card_token": token, "name": "Ada"})
    answer.raise_for_status()
    method_id: str = answer.json()["id"]
    return method_id


def server_settings(live_server: LiveServer, owner: Owner) -> dict[str, object]:
    with httpx.Client(base_url=live_server.url, headers=owner.headers, timeout=30) as http:
        settings: dict[str, object] = http.get("/v1/auto-recharge").json()
    return settings


SENTENCE = (
    "When your balance falls below $10.00, add $25.00 using Visa •••• 4242, or Mastercard "
    "•••• 4444 if it is declined. At most 3 recharges a day and $500.00 a month."
)


async def test_backup_card_and_limits_are_saved_and_shown_after_a_restart(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=5000)
    mastercard = add_card(live_server, owner)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await open_auto_recharge(pilot)
        await pilot.press("space")  # the switch has the focus: on
        await pilot.press("tab", "tab", "tab", "tab")  # mode, threshold, amount, the card
        assert app.focused is not None
        assert app.focused.id == "card"
        await pilot.press("tab", "enter", "down", "enter")  # backup: the Mastercard
        await pilot.press("tab")
        await type_text(pilot, "3")
        await pilot.press("tab")
        await type_text(pilot, "500")
        assert screen_text(pilot, "#sentence") == SENTENCE
        await pilot.press("ctrl+s")
        await wait_for_async(lambda: screen_text(pilot, "#recharge-status") == "Saved", pilot=pilot)

    saved = server_settings(live_server, owner)
    assert saved["enabled"] is True
    assert saved["payment_method_id"] == owner.payment_method_id
    assert saved["backup_payment_method_id"] == mastercard
    assert (saved["daily_limit"], saved["monthly_cap"]) == (3, 50000)

    again = make_app(signed_in_as=owner)
    async with run_on_dashboard(again) as pilot:
        await open_auto_recharge(pilot)
        screen = again.screen
        assert screen.query_one("#card", Select).value == owner.payment_method_id
        assert screen.query_one("#backup", Select).value == mastercard
        assert screen.query_one("#daily-limit", Input).value == "3"
        assert screen.query_one("#monthly-cap", Input).value == "500.00"
        assert screen_text(pilot, "#sentence") == SENTENCE
        assert screen_text(pilot, "#recharge-status") == "Saved"


async def test_a_limit_out_of_range_is_named_and_not_saved(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=5000)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await open_auto_recharge(pilot)
        # Mode, threshold, amount, the card (no backup to choose with one card): the daily limit.
        await pilot.press("tab", "tab", "tab", "tab", "tab")
        assert app.focused is not None
        assert app.focused.id == "daily-limit"
        await type_text(pilot, "0")
        await pilot.press("ctrl+s")
        message = "Recharges a day: a whole number from 1 to 100."
        await wait_for_async(
            lambda: message in screen_text(pilot, "#recharge-message"), pilot=pilot
        )
    assert server_settings(live_server, owner)["daily_limit"] is None

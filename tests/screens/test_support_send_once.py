"""A support request is filed once: pressing Send again (or twice in a row) files no duplicate;
editing the form after a success starts a new request. Keys only, real server and database."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button

from tests.screens.conftest import MakeApp
from tests.support.live_server import LiveServer
from tests.support.pilot import open_support, run_on_dashboard, screen_text, settle, type_text
from tests.support.support_requests import support_rows
from tests.support.wait import wait_for_async

MESSAGE = "Please invoice us for $5,000."


async def fill_in_a_request(pilot: Pilot[Any]) -> None:
    """From the dashboard to the support screen, keys only: $5,000 and MESSAGE, not yet sent."""
    await open_support(pilot)
    await pilot.press("shift+tab", "shift+tab")  # from the message, where the focus starts
    await type_text(pilot, "5000")
    await pilot.press("tab", "tab")  # the contact is the signed-in email already
    await type_text(pilot, MESSAGE)


async def test_pressing_send_again_after_success_files_no_second_request(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=1000)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await fill_in_a_request(pilot)
        await pilot.press("ctrl+s", "ctrl+s")  # a double press while the first is on its way
        await wait_for_async(
            lambda: "reference" in screen_text(pilot, "#support-result"), pilot=pilot
        )
        await settle(pilot)
        button = app.screen.query_one("#support-send", Button)
        assert (str(button.label), button.disabled) == ("Sent", True)
        await pilot.press("ctrl+s")  # and once more, after it was sent
        await settle(pilot)
        [(reference, amount, message)] = support_rows(live_server, owner.account_id)
        assert (amount, message) == (500000, MESSAGE)
        assert f"Your reference is {reference}" in screen_text(pilot, "#support-result")
        assert (str(button.label), button.disabled) == ("Sent", True)


async def test_editing_after_success_makes_send_file_a_new_request(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=1000)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await fill_in_a_request(pilot)
        await pilot.press("ctrl+s")
        await wait_for_async(
            lambda: "reference" in screen_text(pilot, "#support-result"), pilot=pilot
        )
        await settle(pilot)
        await type_text(pilot, " And $1,000 next month.")  # the cursor is still in the message
        button = app.screen.query_one("#support-send", Button)
        await wait_for_async(lambda: not button.disabled, pilot=pilot)
        assert str(button.label) == "Send request"
        await pilot.press("ctrl+s")
        await wait_for_async(
            lambda: len(support_rows(live_server, owner.account_id)) == 2, pilot=pilot
        )
        await settle(pilot)
        first, second = support_rows(live_server, owner.account_id)
        assert (first[2], second[2]) == (MESSAGE, f"{MESSAGE} And $1,000 next month.")
        assert f"Your reference is {second[0]}" in screen_text(pilot, "#support-result")

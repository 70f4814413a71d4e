"""The whole "Pay on a secure page" by keys, with the page paid in a real browser (Debian's
headless Chromium): the app shows the link, Chromium opens it and pays, and the app shows the
decline, then "Payment done" and the new balance; an expired link is refused by the page, and
the app offers a new one on a key."""

from __future__ import annotations

import asyncio
from typing import Any

from selenium import webdriver
from selenium.webdriver.common.by import By
from textual.pilot import Pilot

from tests.screens.conftest import MakeApp
from tests.support.browser import browser, fresh_browser, submit_card
from tests.support.live_server import LiveServer
from tests.support.payment_links import expire
from tests.support.pilot import back_on_dashboard, open_payment, run_on_dashboard, screen_text
from tests.support.wait import wait_for_async

__all__ = ["browser", "fresh_browser"]

WAITING = "Waiting for payment on the secure page"


def pay(page: webdriver.Chrome, number: str) -> str:
    """Type the card into the page and pay, as a person would; the heading of the answer."""
    submit_card(page, number)
    return str(page.find_element(By.TAG_NAME, "h1").text)


def open_page(page: webdriver.Chrome, url: str) -> str:
    page.get(url)
    return str(page.find_element(By.TAG_NAME, "h1").text)


async def the_link(pilot: Pilot[Any]) -> str:
    """ctrl+o on the Payment screen; the link the app shows once it waits for the page."""
    await pilot.press("ctrl+o")
    await wait_for_async(lambda: WAITING in screen_text(pilot, "#action-text"), pilot=pilot)
    return screen_text(pilot, "#action-url")


async def test_by_keys_the_page_paid_in_chromium_declined_then_done(
    make_app: MakeApp, live_server: LiveServer, fresh_browser: webdriver.Chrome
) -> None:
    owner = live_server.make_owner(balance=4250, name="Acme Phones Ltd")
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await open_payment(pilot, "3")  # $50.00
        url = await the_link(pilot)
        # The browser blocks while it works: in a thread, so the app keeps following events.
        assert await asyncio.to_thread(open_page, fresh_browser, url) == "Pay Acme Phones Ltd"
        await asyncio.to_thread(pay, fresh_browser, "4000 0000 0000 0002")
        await wait_for_async(
            lambda: (
                "Payment declined: The card was declined." in screen_text(pilot, "#action-text")
            ),
            pilot=pilot,
        )
        assert screen_text(pilot, "#action-url") == url  # the same link still pays
        done = await asyncio.to_thread(pay, fresh_browser, "4242 4242 4242 4242")
        assert done == "Payment done"
        await wait_for_async(
            lambda: "Payment done, new balance $92.50." in screen_text(pilot, "#page-result"),
            pilot=pilot,
        )
        await pilot.press("enter")
        await back_on_dashboard(pilot, "$92.50")
    assert live_server.balance(owner.account_id) == 9250


async def test_an_expired_link_is_refused_and_the_app_offers_a_new_one(
    make_app: MakeApp, live_server: LiveServer, fresh_browser: webdriver.Chrome
) -> None:
    owner = live_server.make_owner(balance=4250, name="Acme Phones Ltd")
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await open_payment(pilot, "3")
        first = await the_link(pilot)
        made = app.account_state.payment_link
        assert made is not None
        expire(live_server, made.id)  # its fifteen minutes are up
        refused = await asyncio.to_thread(open_page, fresh_browser, first)
        assert refused == "This payment link has expired"
        await wait_for_async(
            lambda: "This link has expired" in screen_text(pilot, "#page-result"), pilot=pilot
        )
        await pilot.press("ctrl+n")
        await wait_for_async(lambda: WAITING in screen_text(pilot, "#action-text"), pilot=pilot)
        second = screen_text(pilot, "#action-url")
        assert second != first
        await asyncio.to_thread(open_page, fresh_browser, second)
        assert await asyncio.to_thread(pay, fresh_browser, "4242424242424242") == "Payment done"
        await wait_for_async(
            lambda: "Payment done, new balance $92.50." in screen_text(pilot, "#page-result"),
            pilot=pilot,
        )
    assert live_server.balance(owner.account_id) == 9250

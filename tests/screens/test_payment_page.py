"""Paying on the secure page, by keys: the link and its QR code, the page's decline and payment
shown as they happen, the news on the dashboard when the screen was left, an expired link
renewed by a key, and the server's `payment_page` setting ("only" hides the card form and the
help says why; "off" leaves the option out)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.screens.conftest import MakeApp
from tests.screens.test_live_updates import toasts
from tests.support.live_server import LiveServer
from tests.support.payment_links import expire, page_path, pay_on_page
from tests.support.pilot import (
    back_on_dashboard,
    go_to,
    on_dashboard,
    open_payment,
    screen_rows,
    screen_text,
)
from tests.support.wait import wait_for_async

DECLINED = "4000000000000002"
WAITING = "Waiting for payment on the secure page"


def server_with(tmp_path_factory: pytest.TempPathFactory, **settings: str) -> Iterator[LiveServer]:
    env = {f"CREDITS_SERVER_{name.upper()}": value for name, value in settings.items()}
    server = LiveServer(Path(tmp_path_factory.mktemp("page-server")), env=env)
    with server.running():
        yield server


@pytest.fixture(scope="module")
def page_only_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Cards on the secure page only."""
    yield from server_with(tmp_path_factory, payment_page="only")


@pytest.fixture(scope="module")
def no_page_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from server_with(tmp_path_factory, payment_page="off")


def footer(pilot: Pilot[Any]) -> str:
    return screen_rows(pilot)[-1]


async def to_the_page(pilot: Pilot[Any]) -> str:
    """From the Payment screen, ctrl+o; the link the page screen shows once it waits."""
    from screens.payment_page import PaymentPageScreen

    await pilot.press("ctrl+o")
    await wait_for_async(lambda: isinstance(pilot.app.screen, PaymentPageScreen), pilot=pilot)
    await wait_for_async(lambda: WAITING in screen_text(pilot, "#action-text"), pilot=pilot)
    assert any("▀" in row for row in screen_rows(pilot))  # the QR code
    return screen_text(pilot, "#action-url")


async def test_keys_only_from_add_credits_to_payment_done_via_the_page(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=4250)
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        await open_payment(pilot, "3")  # $50.00
        # The footer follows the server's payment config, read as the screen opened.
        await wait_for_async(lambda: "^o Secure page" in footer(pilot), pilot=pilot)
        url = await to_the_page(pilot)
        assert url.startswith(f"{live_server.url}/pay/")
        assert [row for row in screen_rows(pilot) if url in row]  # whole, on one line
        await pay_on_page(live_server.url, {"url": url}, DECLINED)
        await wait_for_async(
            lambda: "Payment declined: " in screen_text(pilot, "#action-text"), pilot=pilot
        )
        assert "Try again on the same page" in screen_text(pilot, "#action-text")
        await pay_on_page(live_server.url, {"url": url}, "4242424242424242")
        await wait_for_async(
            lambda: "Payment done, new balance $92.50." in screen_text(pilot, "#page-result"),
            pilot=pilot,
        )
        await pilot.press("enter")
        await back_on_dashboard(pilot, "$92.50")
    assert live_server.balance(owner.account_id) == 9250


async def test_a_link_paid_after_its_screen_was_left_is_news_on_the_dashboard(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.dashboard import DashboardScreen

    owner = live_server.make_owner(balance=4250)
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_dashboard(pilot)
        await open_payment(pilot, "3")
        url = await to_the_page(pilot)
        await go_to(pilot, DashboardScreen, "escape", "escape", "escape")
        await pay_on_page(live_server.url, {"url": url}, "4242424242424242")
        await wait_for_async(lambda: "$50.00 added, new balance $92.50" in toasts(app), pilot=pilot)
        await back_on_dashboard(pilot, "$92.50")


async def test_only_the_page_then_an_expired_link_renewed_by_a_key(
    make_app: MakeApp, page_only_server: LiveServer
) -> None:
    from screens.help import HelpScreen
    from widgets.card_form import CardForm

    owner = page_only_server.make_owner(balance=4250)
    app = make_app(url=page_only_server.url, signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        await open_payment(pilot, "3")
        assert "secure payment page only" in screen_text(pilot, "#page-only")
        assert not app.screen.query_one(CardForm).display
        assert not app.screen.query_one("#method").display
        await wait_for_async(lambda: "s Pay" not in footer(pilot), pilot=pilot)
        assert "Secure page" in footer(pilot)
        first = await to_the_page(pilot)
        # Its time runs out, and the person opens it on the phone: the page and the app say so.
        made = app.account_state.payment_link
        assert made is not None
        expire(page_only_server, made.id)
        async with httpx.AsyncClient(base_url=page_only_server.url) as phone:
            assert (await phone.get(page_path({"url": first}))).status_code == 410
        await wait_for_async(
            lambda: "This link has expired" in screen_text(pilot, "#page-result"), pilot=pilot
        )
        await wait_for_async(lambda: "^n New link" in footer(pilot), pilot=pilot)
        await pilot.press("ctrl+n")
        await wait_for_async(lambda: WAITING in screen_text(pilot, "#action-text"), pilot=pilot)
        assert screen_text(pilot, "#action-url") != first
        await go_to(pilot, HelpScreen, "escape", "escape", "escape", "question_mark")
        assert "no card form" in screen_text(pilot, "#help-page-only")


async def test_with_the_page_off_there_is_no_such_option(
    make_app: MakeApp, no_page_server: LiveServer
) -> None:
    from screens.help import HelpScreen

    owner = no_page_server.make_owner(balance=4250)
    app = make_app(url=no_page_server.url, signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        await open_payment(pilot, "3")
        assert app.account_state.payment_page == "off"
        assert not app.screen.query_one("#secure-page").display
        assert "Secure page" not in footer(pilot)
        await pilot.press("ctrl+o")  # nothing happens
        await go_to(pilot, HelpScreen, "escape", "escape", "question_mark")
        sections = app.screen.query(".help-section").results(Static)
        shown = " ".join(str(part.content) for part in sections)
        assert "Payment" in shown
        assert "secure page" not in shown.lower()

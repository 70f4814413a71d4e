"""Snapshots of the states that show what differs from run to run: the 3-D Secure wait (a link
with the top-up's id), the secure payment page's link (its token) and its payment, a sent
support request (its reference) and the sign-in lock-out (a countdown). Each runs on a server
of its own whose ids, references, link tokens and sign-in clock are pinned
(tests/screens/pinned_server.py); the app's countdown clock is pinned here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot

import screens.login
from tests.screens.conftest import MakeApp
from tests.screens.pinned_server import PUBLIC_URL, PinnedServer, start_pinned_server
from tests.screens.snapshot_support import SIZE_IDS, SIZES, signed_in, typing, until
from tests.support.live_server import Owner
from tests.support.pilot import screen_text, settle, type_text
from tests.support.wait import wait_for_async

pytestmark = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)

THREE_D_SECURE_CARD = "4000002760003184"  # the sandbox asks for 3-D Secure on every charge


@pytest.fixture
def pinned_server(tmp_path: Path) -> Iterator[PinnedServer]:
    server = start_pinned_server(tmp_path / "pinned-server")
    try:
        yield server
    finally:
        server.close_database()
        server.stop()


def acme(server: PinnedServer, *, card_number: str = "4242424242424242") -> Owner:
    # Only the account's name and balance show on these screens; the rest may differ.
    return server.make_owner(4250, name="Acme Phones Ltd", card_number=card_number)


def test_payment_waits_for_3d_secure(
    snap_compare: Any, make_app: MakeApp, pinned_server: PinnedServer, size: Any
) -> None:
    """The bank asks for confirmation: the link (and its QR code) fill the screen, which waits."""
    owner = acme(pinned_server, card_number=THREE_D_SECURE_CARD)
    app = make_app(url=pinned_server.url, signed_in_as=owner)
    link = f"{PUBLIC_URL}/sandbox/authenticate/tu_00000000000000000001"

    async def run_before(pilot: Pilot[Any]) -> None:
        await signed_in("a", "enter")(pilot)
        # The payment keeps polling for the bank's answer: wait for the screen, not the workers.
        await pilot.press("ctrl+s")
        await wait_for_async(lambda: link in screen_text(pilot, "#action-url"), pilot=pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def on_the_secure_page(pilot: Pilot[Any]) -> str:
    """$50.00 from the Payment screen on the secure page: the link it shows, once it waits."""
    await signed_in("a", "enter", "ctrl+o")(pilot)
    await wait_for_async(
        lambda: "Waiting for payment" in screen_text(pilot, "#action-text"), pilot=pilot
    )
    await pilot.pause()
    return screen_text(pilot, "#action-url")


def test_payment_on_the_secure_page(
    snap_compare: Any, make_app: MakeApp, pinned_server: PinnedServer, size: Any
) -> None:
    """The link on a line of its own, its QR code and the wait."""
    app = make_app(url=pinned_server.url, signed_in_as=acme(pinned_server))

    async def run_before(pilot: Pilot[Any]) -> None:
        assert await on_the_secure_page(pilot) == f"{PUBLIC_URL}/pay/{1:022d}"

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_payment_done_on_the_secure_page(
    snap_compare: Any, make_app: MakeApp, pinned_server: PinnedServer, size: Any
) -> None:
    from tests.support.payment_links import pay_on_page

    app = make_app(url=pinned_server.url, signed_in_as=acme(pinned_server))

    async def run_before(pilot: Pilot[Any]) -> None:
        url = await on_the_secure_page(pilot)
        await pay_on_page(pinned_server.url, {"url": url}, "4242424242424242")
        await wait_for_async(
            lambda: "Payment done" in screen_text(pilot, "#page-result"), pilot=pilot
        )
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_support_request_sent(
    snap_compare: Any, make_app: MakeApp, pinned_server: PinnedServer, size: Any
) -> None:
    owner = acme(pinned_server)
    app = make_app(url=pinned_server.url, signed_in_as=owner)
    message = "Please invoice us for a $5,000 top-up this month."
    steps = [
        "s",
        typing(message),  # the focus starts in the message
        "shift+tab shift+tab",
        typing("5000"),
        "tab end ctrl+u",
        typing("ops@acme.test"),
        "ctrl+s",
        until(lambda pilot: "SR-000001" in screen_text(pilot, "#support-result")),
    ]
    assert snap_compare(app, terminal_size=size, run_before=signed_in(*steps))


def test_login_locked_out(
    snap_compare: Any,
    make_app: MakeApp,
    pinned_server: PinnedServer,
    monkeypatch: pytest.MonkeyPatch,
    size: Any,
) -> None:
    """Someone guessed the password five times; the next try is refused with a countdown."""
    email = "locked@acme.test"
    for _ in range(5):
        refused = httpx.post(
            f"{pinned_server.url}/v1/sessions", json={"email": email, "password": "guess"}
        )
        assert refused.status_code == 401
    # The countdown's clock stands still: the screen says what it says the moment it is refused.
    monkeypatch.setattr(screens.login, "time", SimpleNamespace(monotonic=lambda: 1000.0))
    app = make_app(url=pinned_server.url)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await wait_for_async(lambda: app.account_state.connection == "online", pilot=pilot)
        await type_text(pilot, email)
        await pilot.press("enter")
        await type_text(pilot, "one-more-guess")
        await pilot.press("enter")
        await wait_for_async(
            lambda: "Try again in" in screen_text(pilot, "#login-error"), pilot=pilot
        )
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)

"""Snapshots of every screen after the dashboard, in its states, at 80x24 and 120x40."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from tests.screens.conftest import MakeApp, fixed_owner
from tests.screens.snapshot_support import SIZE_IDS, SIZES, RunBefore, signed_in, typing, until
from tests.support.faults import FaultyLink
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import screen_text, type_card
from tests.support.wait import wait_for_async

pytestmark = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)

THREE_D_SECURE = "4000002760003184"  # the sandbox asks for 3-D Secure on every charge


def shoot(
    snap_compare: Any, make_app: MakeApp, owner: Owner, size: tuple[int, int], *steps: Any
) -> bool:
    app = make_app(signed_in_as=owner)
    return bool(snap_compare(app, terminal_size=size, run_before=signed_in(*steps)))


def new_card(number: str) -> RunBefore:
    """Fill in the new-card form (the focus starts on the number when no card is saved)."""

    async def step(pilot: Pilot[Any]) -> None:
        await type_card(pilot, number)

    return step


def test_add_credits(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    assert shoot(snap_compare, make_app, fixed_owner(live_server), size, "a")


def test_add_credits_above_max(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    owner = fixed_owner(live_server)
    # Wait for what the typing leads to (the live check under the field, the button relabelled)
    # rather than for a fixed number of frames: on a loaded machine they can come later.
    offered = until(
        lambda pilot: (
            "ask support" in screen_text(pilot, "#custom-hint")
            and str(pilot.app.screen.query_one("#continue", Button).label) == "Ask support"
        )
    )
    assert shoot(snap_compare, make_app, owner, size, "a", "tab", typing("5000"), offered)


def test_payment_saved_card(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    assert shoot(snap_compare, make_app, fixed_owner(live_server), size, "a", "enter")


def test_payment_new_card(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    owner = fixed_owner(live_server, with_card=False)
    steps = ["a", "enter", new_card("4242424242424242"), "tab", "space"]
    assert shoot(snap_compare, make_app, owner, size, *steps)


def test_payment_declined(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    owner = fixed_owner(live_server, with_card=False)
    declined = until(lambda pilot: "declined" in screen_text(pilot, "#pay-message"))
    steps = ["a", "enter", new_card("4000000000000002"), "ctrl+s", declined]
    assert shoot(snap_compare, make_app, owner, size, *steps)


def test_auto_recharge(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    assert shoot(snap_compare, make_app, fixed_owner(live_server), size, "r")


def test_auto_recharge_backup_and_limits(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    """A backup card chosen, a daily limit and a monthly cap typed, not yet saved."""
    from tests.screens.test_auto_recharge_limits import add_card

    owner = fixed_owner(live_server)
    add_card(live_server, owner)
    steps = ["r", "space", "tab tab tab tab tab enter down enter tab 3 tab 5 0 0"]
    assert shoot(snap_compare, make_app, owner, size, *steps)


def test_auto_recharge_unsaved(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    owner = fixed_owner(live_server)
    assert shoot(snap_compare, make_app, owner, size, "r", "space", "tab tab right right")


def test_auto_recharge_leave_asks(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    owner = fixed_owner(live_server)
    assert shoot(snap_compare, make_app, owner, size, "r", "tab tab right", "escape")


def test_auto_recharge_conflict(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    owner = fixed_owner(live_server)
    transport = FaultyLink()

    async def changed_elsewhere(pilot: Pilot[Any]) -> None:
        # The server tells the app of the change (settings.updated) and the app reloads the
        # settings with their new ETag; were that reload to land before ctrl+s (a loaded machine),
        # the save would not conflict. Hold it until the save has met its 412.
        transport.hold("GET /v1/auto-recharge")
        async with httpx.AsyncClient(base_url=live_server.url, headers=owner.headers) as http:
            current = await http.get("/v1/auto-recharge")
            body = {
                key: value
                for key, value in current.json().items()
                if key not in ("disabled_reason", "last_attempt", "bounds")
            }
            body["threshold"] = 4000
            headers = {"If-Match": current.headers["ETag"]}
            (await http.put("/v1/auto-recharge", json=body, headers=headers)).raise_for_status()

    async def save_conflicts(pilot: Pilot[Any]) -> None:
        await pilot.press("ctrl+s")
        await wait_for_async(
            lambda: ("PUT", "/v1/auto-recharge", 412) in transport.answers, pilot=pilot
        )
        transport.release()

    reloaded = until(lambda pilot: "changed" in screen_text(pilot, "#recharge-message"))
    steps = ["r", "tab tab right", changed_elsewhere, save_conflicts, reloaded]
    app = make_app(signed_in_as=owner, transport=transport)
    assert snap_compare(app, terminal_size=size, run_before=signed_in(*steps))


def test_support(snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any) -> None:
    owner = fixed_owner(live_server)
    # The focus starts in the message; the contact starts as the (random) sign-in email: put a
    # fixed one in its place.
    steps = ["s", "shift+tab shift+tab", typing("5000"), "tab end ctrl+u", typing("ops@acme.test")]
    assert shoot(snap_compare, make_app, owner, size, *steps)


def test_support_incomplete(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    owner = fixed_owner(live_server)
    steps = [
        "s",
        "shift+tab shift+tab",
        typing("5000"),
        "tab end ctrl+u",
        typing("ops@acme.test"),
        "ctrl+s",
    ]
    assert shoot(snap_compare, make_app, owner, size, *steps)


def test_transactions(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    assert shoot(snap_compare, make_app, fixed_owner(live_server), size, "t")


def test_transactions_long_description(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    """A description longer than the screen is cut with an ellipsis; Amount and Balance stay."""
    from tests.screens.test_careful_user import with_long_row

    owner = fixed_owner(live_server)
    with_long_row(live_server, owner)
    assert shoot(snap_compare, make_app, owner, size, "t")


def test_payment_sandbox_bank(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    """On the embedded server the app answers as the sandbox's bank: no link, y or n."""
    owner = live_server.make_owner(4250, name="Acme Phones Ltd", card_number=THREE_D_SECURE)
    app = make_app(signed_in_as=owner, embedded=True)
    assert snap_compare(app, terminal_size=size, run_before=at_the_sandbox_bank)


async def at_the_sandbox_bank(pilot: Pilot[Any]) -> None:
    await signed_in("a", "enter")(pilot)
    # The payment keeps polling for the bank's answer: wait for the screen, not the workers.
    await pilot.press("ctrl+s")
    await wait_for_async(lambda: "Sandbox bank" in screen_text(pilot, "#action-url"), pilot=pilot)
    await pilot.pause()


def test_transactions_filtered_empty(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    """Filtered to refunds, of which there are none."""
    owner = fixed_owner(live_server)
    steps = ["t", "f", "enter", "down down down down down", "enter"]
    assert shoot(snap_compare, make_app, owner, size, *steps)


def test_help(snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any) -> None:
    assert shoot(snap_compare, make_app, fixed_owner(live_server), size, "question_mark")


def test_payment_in_progress(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    """The bank is slow to answer: Pay is greyed out and progress is shown (no double charge)."""
    from tests.support.faults import FaultyLink

    owner = fixed_owner(live_server)
    transport = FaultyLink()
    transport.hold("/v1/topups")
    app = make_app(signed_in_as=owner, transport=transport)

    async def pay_and_wait(pilot: Pilot[Any]) -> None:
        await pilot.press("ctrl+s")
        await until(lambda pilot: app.account_state.busy("top_up"))(pilot)
        await pilot.pause()

    async def run_before(pilot: Pilot[Any]) -> None:
        # The payment waits for the held answer on purpose: settle before paying, not after.
        await signed_in("a", "enter")(pilot)
        await pay_and_wait(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)

"""At 80x24 the 3-D Secure link is drawn whole on one line of the screen, so selecting it with
the terminal's mouse copies a working link (a link wrapped mid-word copies as two pieces)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.screens.conftest import MakeApp
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import open_payment, run_on_dashboard, screen_rows, screen_text
from tests.support.wait import wait_for_async

THREE_D_SECURE_CARD = "4000002760003184"  # the sandbox asks for 3-D Secure on every charge


def waiting_topup(live_server: LiveServer, owner: Owner) -> str:
    """The id of the owner's top-up that waits for the bank (3-D Secure)."""

    async def action(ctx: Any) -> str:
        from sqlalchemy import select

        from credits_server.models import Topup

        async with ctx.db.read() as session:
            found = await session.execute(
                select(Topup.id).where(
                    Topup.account_id == owner.account_id, Topup.status == "requires_action"
                )
            )
            return str(found.scalar_one())

    return live_server.run(action)


async def test_the_verification_link_is_one_unbroken_line_at_80x24(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.dashboard import DashboardScreen

    owner = live_server.make_owner(balance=1000, card_number=THREE_D_SECURE_CARD)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await open_payment(pilot, "enter")  # the first preset, on the saved card
        await pilot.press("ctrl+s")
        await wait_for_async(lambda: any("▀" in row for row in screen_rows(pilot)), pilot=pilot)
        await pilot.pause()
        url = f"{live_server.url}/sandbox/authenticate/{waiting_topup(live_server, owner)}"
        rows = screen_rows(pilot)
        assert len(rows) <= 24
        assert [row for row in rows if url in row], "\n".join(rows)
        # The QR code is still there, whole (no row of it scrolled out of sight).
        qr_rows = [row for row in rows if "▀" in row]
        assert len(qr_rows) == len(screen_text(pilot, "#action-qr").splitlines())
        # And the link works: the bank's answer comes back to the screen.
        async with httpx.AsyncClient() as http:
            approved = await http.post(url, params={"result": "approve"})
        assert approved.status_code == 200
        await wait_for_async(lambda: isinstance(app.screen, DashboardScreen), pilot=pilot)

"""More flows with the keyboard alone against the real server: 3-D Secure, lock-out, support,
long history, an expired session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.screens.conftest import MakeApp
from tests.support.live_server import LiveServer
from tests.support.pilot import (
    back_on_dashboard,
    go_to,
    open_auto_recharge,
    open_payment,
    run_on_dashboard,
    screen_text,
    settle,
    sign_in,
    type_card,
    type_text,
)
from tests.support.wait import wait_for_async


async def test_three_d_secure_shows_link_and_code_then_waits(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=1000, with_card=False)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await open_payment(pilot, "3")
        await type_card(pilot, "4000002500003155", name=None)
        await pilot.press("ctrl+s")
        await wait_for_async(
            lambda: "/sandbox/authenticate/" in screen_text(pilot, "#action-url"), pilot=pilot
        )
        url = screen_text(pilot, "#action-url")
        assert url.startswith(live_server.url)
        assert "▀" in screen_text(pilot, "#action-qr")  # the QR code, drawn as text
        assert app.screen.query_one("#pay").disabled  # no second payment while this one waits
        async with httpx.AsyncClient() as http:
            approved = await http.post(url, params={"result": "approve"})
        assert approved.status_code == 200
        await back_on_dashboard(pilot, "$60.00")
    assert live_server.balance(owner.account_id) == 6000


async def test_too_many_wrong_passwords_count_down(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_async(lambda: app.account_state.connection == "online", pilot=pilot)
        await type_text(pilot, owner.email)
        await pilot.press("enter")
        for _attempt in range(6):
            await type_text(pilot, "wrong")
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("ctrl+u")  # clear the password field for the next try
        assert "Too many attempts. Try again in" in screen_text(pilot, "#login-error")
        assert app.screen.query_one("#sign-in").disabled


async def test_support_request_shows_its_reference(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.support import SupportScreen

    owner = live_server.make_owner(balance=1000)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await pilot.press("a", "tab")
        await type_text(pilot, "5000")
        await go_to(pilot, SupportScreen, "enter")  # above the maximum: enter offers support
        assert app.screen.query_one("#support-amount").value == "5,000.00"
        await type_text(pilot, "Please invoice us for $5,000.")
        await pilot.press("ctrl+s")
        await wait_for_async(
            lambda: "reference" in screen_text(pilot, "#support-result"), pilot=pilot
        )
        reference = app.account_state.support_requests[0].reference
        assert reference in screen_text(pilot, "#support-result")
    async with httpx.AsyncClient(base_url=live_server.url, headers=owner.headers) as http:
        listed = (await http.get("/v1/support-requests")).json()["data"]
    assert [(r["reference"], r["amount"]) for r in listed] == [(reference, 500000)]


async def test_history_loads_more_near_the_end(make_app: MakeApp, live_server: LiveServer) -> None:
    from screens.transactions import TransactionsScreen

    owner = live_server.make_owner(balance=100000)
    start = datetime(2026, 9, 1, tzinfo=UTC)

    async def usage(ctx: Any) -> None:
        from credits_server.ledger import post

        async with ctx.db.write() as session:
            for n in range(70):
                await post(
                    session,
                    owner.account_id,
                    kind="usage",
                    amount=-10,
                    description=f"Call {n}",
                    created_at=start + timedelta(hours=n),
                )

    live_server.run(usage)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await go_to(pilot, TransactionsScreen, "t")
        table = app.screen.query_one("#history")
        first_page = table.row_count
        assert first_page < 71
        await pilot.press("ctrl+end")  # to the last row: the next page is fetched
        await wait_for_async(lambda: table.row_count == 71, pilot=pilot)
        await wait_for_async(
            lambda: "that is all" in screen_text(pilot, "#history-status"), pilot=pilot
        )


async def test_an_expired_session_asks_to_sign_in_again_and_keeps_the_draft(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.auto_recharge import AutoRechargeScreen
    from screens.login import LoginScreen

    owner = live_server.make_owner(balance=5000)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, owner)
        await open_auto_recharge(pilot)
        await pilot.press("tab", "tab", "right")
        draft = app.account_state.auto_recharge_draft
        assert draft is not None

        async def end_sessions(ctx: Any) -> None:
            from sqlalchemy import delete

            from credits_server.models import SessionToken

            async with ctx.db.write() as session:
                await session.execute(
                    delete(SessionToken).where(SessionToken.user_id == owner.user_id)
                )

        live_server.run(end_sessions)
        await go_to(pilot, LoginScreen, "ctrl+s")
        assert app.screen.query_one("#email").value == owner.email
        await type_text(pilot, owner.password)
        await pilot.press("enter")
        await wait_for_async(lambda: isinstance(app.screen, AutoRechargeScreen), pilot=pilot)
        assert app.account_state.auto_recharge_draft == draft
        # The screen redraws from the state once it is back on top; a status stuck at
        # "Saving..." still fails here, at the deadline.
        await wait_for_async(
            lambda: "Unsaved changes" in screen_text(pilot, "#recharge-status"), pilot=pilot
        )
        assert "Unsaved changes" in screen_text(pilot, "#recharge-status")

"""Auto-recharge set with the sliders and ctrl+s, persisted on the real server; leaving asks."""

from __future__ import annotations

import httpx

from tests.screens.conftest import MakeApp
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import open_auto_recharge, run_on_dashboard, screen_text, settle, sign_in
from tests.support.wait import wait_for_async


async def server_settings(live_server: LiveServer, owner: Owner) -> httpx.Response:
    async with httpx.AsyncClient(base_url=live_server.url, headers=owner.headers) as http:
        return await http.get("/v1/auto-recharge")


async def test_set_with_sliders_and_save(make_app: MakeApp, live_server: LiveServer) -> None:
    owner = live_server.make_owner(balance=5000)
    before = (await server_settings(live_server, owner)).json()
    assert before["enabled"] is False
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, owner)
        await open_auto_recharge(pilot)
        await pilot.press("space")  # the switch has the focus: on
        await pilot.press("tab", "tab")  # past the mode, to "When balance falls below"
        steps = (2000 - before["threshold"]) // 500
        await pilot.press(*["right"] * steps)
        await pilot.press("tab")
        await pilot.press(*["right"] * ((5000 - before["amount"]) // 500))
        assert screen_text(pilot, "#sentence") == (
            "When your balance falls below $20.00, add $50.00 using Visa •••• 4242 (no backup "
            "card). At most the server's usual number of recharges a day, with no monthly cap."
        )
        assert "Unsaved changes" in screen_text(pilot, "#recharge-status")
        await pilot.press("ctrl+s")
        await wait_for_async(lambda: screen_text(pilot, "#recharge-status") == "Saved", pilot=pilot)
    saved = (await server_settings(live_server, owner)).json()
    assert (saved["enabled"], saved["threshold"], saved["amount"]) == (True, 2000, 5000)
    assert saved["payment_method_id"] == owner.payment_method_id


async def test_leaving_with_unsaved_changes_asks(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.auto_recharge import AutoRechargeScreen
    from screens.confirm import ConfirmScreen
    from screens.dashboard import DashboardScreen

    owner = live_server.make_owner(balance=5000)
    before = (await server_settings(live_server, owner)).json()
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await open_auto_recharge(pilot)
        await pilot.press("tab", "tab", "right")
        await pilot.press("escape")
        await wait_for_async(lambda: isinstance(app.screen, ConfirmScreen), pilot=pilot)
        await pilot.press("n")  # stay: the change is still there
        await wait_for_async(lambda: isinstance(app.screen, AutoRechargeScreen), pilot=pilot)
        assert "Unsaved changes" in screen_text(pilot, "#recharge-status")
        await pilot.press("escape")
        await wait_for_async(lambda: isinstance(app.screen, ConfirmScreen), pilot=pilot)
        await pilot.press("y")
        await wait_for_async(lambda: isinstance(app.screen, DashboardScreen), pilot=pilot)
        assert app.account_state.auto_recharge_draft is None
        # Nothing to lose now: escape leaves at once.
        await open_auto_recharge(pilot)
        await pilot.press("escape")
        await wait_for_async(lambda: isinstance(app.screen, DashboardScreen), pilot=pilot)
    assert (await server_settings(live_server, owner)).json()["threshold"] == before["threshold"]


async def test_a_conflict_reloads_the_servers_values(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=5000)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await open_auto_recharge(pilot)
        await pilot.press("tab", "tab", "right")
        # Someone else saves first (another device), with the ETag they read.
        current = await server_settings(live_server, owner)
        body = {**current.json(), "threshold": 4000}
        for read_only in ("disabled_reason", "last_attempt", "bounds"):
            body.pop(read_only, None)
        async with httpx.AsyncClient(base_url=live_server.url, headers=owner.headers) as http:
            answer = await http.put(
                "/v1/auto-recharge", json=body, headers={"If-Match": current.headers["ETag"]}
            )
        assert answer.status_code == 200
        await pilot.press("ctrl+s")
        await wait_for_async(
            lambda: "changed" in screen_text(pilot, "#recharge-message"), pilot=pilot
        )
        await settle(pilot)
        assert "$40.00" in screen_text(pilot, "#sentence")
        assert screen_text(pilot, "#recharge-status") == "Saved"
    assert (await server_settings(live_server, owner)).json()["threshold"] == 4000

"""What operators do, as the app shows it: a support answer arriving live, a reset code redeemed
by keys, and the Activity screen listing the account's audit trail. Real server and database."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from screens.activity import ActivityScreen
from screens.dashboard import DashboardScreen
from screens.login import LoginScreen
from tests.screens.conftest import MakeApp
from tests.screens.test_live_updates import toasts
from tests.screens.test_support_send_once import fill_in_a_request
from tests.support.live_server import LiveServer
from tests.support.pilot import go_to, on_dashboard, run_on_dashboard, screen_text, type_text
from tests.support.wait import wait_for_async


def as_operator(live_server: LiveServer, action: Any) -> Any:
    async def run(ctx: Any) -> Any:
        from credits_server.audit import Actor, acting

        with acting(Actor("operator", label="ops")):
            return await action(ctx)

    return live_server.run(run)


async def test_a_support_answer_shows_while_the_form_is_open(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=1000, with_card=False)
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_dashboard(pilot)
        await fill_in_a_request(pilot)
        await pilot.press("ctrl+s")
        await wait_for_async(
            lambda: "reference" in screen_text(pilot, "#support-result"), pilot=pilot
        )
        [request] = app.account_state.support_requests

        async def answer(ctx: Any) -> Any:
            from credits_server.services.operators import answer_support

            return await answer_support(ctx, request.reference, "We sent you an invoice.")

        as_operator(live_server, answer)
        expected = f"Support answered {request.reference}: We sent you an invoice."
        await wait_for_async(lambda: screen_text(pilot, "#support-result") == expected, pilot=pilot)
        await wait_for_async(lambda: "We sent you an invoice." in toasts(app), pilot=pilot)


async def test_a_reset_code_sets_a_new_password_by_keys(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(with_card=False)

    async def issue(ctx: Any) -> Any:
        from credits_server.services.password_resets import issue_code

        return await issue_code(ctx, owner.email)

    code = as_operator(live_server, issue).code
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_async(lambda: app.account_state.connection == "online", pilot=pilot)
        await pilot.press("ctrl+t")
        await wait_for_async(lambda: app.focused is not None and app.focused.id == "reset-code")
        await type_text(pilot, code.lower())
        await pilot.press("enter")
        await type_text(pilot, owner.email)
        await pilot.press("enter")
        await type_text(pilot, "a brand new password")
        await pilot.press("enter")
        await wait_for_async(lambda: isinstance(app.screen, LoginScreen), pilot=pilot)
        assert "Password changed" in screen_text(pilot, "#login-error")
        await type_text(pilot, "a brand new password")  # the focus is on the password
        await pilot.press("enter")
        await on_dashboard(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_activity_lists_the_trail_newest_first_and_filters(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=1000)

    async def refund(ctx: Any) -> Any:
        from credits_server.services.operators import post_money

        return await post_money(ctx, owner.account_id, "refund", 300, "Goodwill")

    as_operator(live_server, refund)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await go_to(pilot, ActivityScreen, "v")
        table = app.screen.query_one("#activity", DataTable)
        await wait_for_async(lambda: table.row_count > 0, pilot=pilot)
        newest = [str(cell) for cell in table.get_row_at(0)]
        assert newest[1] == "operator ops"
        assert newest[2].startswith("Ledger entry added: ")
        assert "amount=300" in newest[2]
        count = table.row_count
        # Filter, open the list, and down past "Everything", "Money" and "Payments" to "Cards".
        await pilot.press("f", "enter", "down", "down", "down", "enter")
        await wait_for_async(lambda: 0 < table.row_count < count, pilot=pilot)
        whats = [str(table.get_row_at(row)[2]) for row in range(table.row_count)]
        assert all(what.startswith("Card added") for what in whats), whats

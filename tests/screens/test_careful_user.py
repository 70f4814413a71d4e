"""What a careful user checks, by keys, at 80x24: nothing cut, fields that say what to type,
states and focus in plain text, a failed sign-in that starts over, a support form that forgets an
error once fixed, and the palette's and dashboard's keys."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.widgets import Button, Input, TextArea

from tests.screens.conftest import MakeApp, fixed_owner
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import on_dashboard, screen_rows, screen_text, settle, sign_in, type_text
from tests.support.wait import wait_for_async

LONG = "Calls to the Caribbean, Pacific and Indian Ocean islands, week 47 (roaming)"


def with_long_row(live_server: LiveServer, owner: Owner) -> None:
    async def write(ctx: Any) -> None:
        from credits_server.ledger import post

        async with ctx.db.write() as session:
            await post(
                session,
                owner.account_id,
                kind="usage",
                amount=-1234,
                description=LONG,
                created_at=datetime(2026, 11, 19, 18, 0, tzinfo=UTC),
            )

    live_server.run(write)


async def test_history_shows_every_column_whole_at_80x24(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = fixed_owner(live_server)
    with_long_row(live_server, owner)
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        await pilot.press("t")
        await settle(pilot)
        rows = screen_rows(pilot)
        text = "\n".join(rows)
        assert all(len(row) <= 80 for row in rows)
        assert re.search(r"Amount\s+Balance", text), text
        assert re.search(r"-\$12\.34\s+\$30\.16", text), text  # the long row's amount and balance
        assert "Calls to the Caribbean" in text


async def test_dashboard_recharge_line_keeps_the_card_whole_at_80x24(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from tests.screens.snapshot_support import turn_auto_recharge_on

    owner = fixed_owner(live_server)
    turn_auto_recharge_on(live_server, owner, threshold=2000, amount=5000)
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        await wait_for_async(lambda: "On:" in screen_text(pilot, "#recharge-summary"), pilot=pilot)
        await pilot.pause()
        rows = screen_rows(pilot)
        cards = [row for row in rows if "••••" in row]
        assert len(cards) == 2, "\n".join(rows)  # the recharge line's and the card on file
        assert all("Visa •••• 4242" in row for row in cards), "\n".join(rows)


async def test_continue_keeps_its_whole_label_after_an_amount_above_the_maximum(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    app = make_app(signed_in_as=fixed_owner(live_server))
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        await pilot.press("a", "tab")
        await type_text(pilot, "5000")
        button = app.screen.query_one("#continue", Button)
        await wait_for_async(lambda: str(button.label) == "Ask support", pilot=pilot)
        await pilot.press("enter")  # to the support request, and back
        await wait_for_async(lambda: type(app.screen).__name__ == "SupportScreen", pilot=pilot)
        await pilot.press("escape")
        await wait_for_async(lambda: type(app.screen).__name__ == "AddCreditsScreen", pilot=pilot)
        await pilot.press("end", "ctrl+u")  # the amount taken away: the button is as before
        await wait_for_async(lambda: str(button.label) == "Continue to payment", pilot=pilot)
        await pilot.pause()
        assert any("Continue to payment" in row for row in screen_rows(pilot))


def looks_like_a_value(placeholder: str) -> bool:
    """An amount, a card number, a code or an email address: what a person might have typed."""
    return bool(re.fullmatch(r"[\d\s.,$€£/-]+", placeholder) or "@" in placeholder)


async def test_placeholders_say_what_to_type(make_app: MakeApp, live_server: LiveServer) -> None:
    owner = fixed_owner(live_server, with_card=False)
    app = make_app()
    seen: dict[str, str] = {}

    def collect() -> None:
        for field in app.screen.query(Input):
            seen[f"{type(app.screen).__name__}#{field.id}"] = str(field.placeholder)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        collect()
        await sign_in(pilot, owner)
        for keys in (("a",), ("enter",), ("escape", "escape", "s")):
            await pilot.press(*keys)
            await settle(pilot)
            collect()
    assert {"LoginScreen#email", "AddCreditsScreen#custom", "PaymentScreen#cvc"} <= set(seen)
    assert "SupportScreen#support-amount" in seen
    assert {name: text for name, text in seen.items() if looks_like_a_value(text)} == {}


async def test_ticked_and_unticked_read_differently_and_focus_is_marked(
    make_app: MakeApp, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(signed_in_as=fixed_owner(live_server))
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        await pilot.press("a", "enter")
        await settle(pilot)
        rows = screen_rows(pilot)
        card = next(row for row in rows if "Visa" in row and "exp" in row)
        new = next(row for row in rows if "A new card" in row)
        # The chosen card and the other choice differ in the glyph, and the focus is marked.
        assert card.split("Visa")[0].strip() != new.split("A new")[0].strip()
        assert "▸" in card
        assert "▸" not in new
        await pilot.press("down", "enter")
        await settle(pilot)
        rows = screen_rows(pilot)
        save = next(row for row in rows if "Save this card" in row)
        for _ in range(8):
            if app.screen.focused is app.screen.query_one("#save-card"):
                break
            await pilot.press("tab")
        assert app.screen.focused is app.screen.query_one("#save-card")
        await pilot.press("space")
        await pilot.pause()
        ticked = next(row for row in screen_rows(pilot) if "Save this card" in row)
        assert "▸" in ticked
        assert "▸" not in save
        assert ticked.replace("▸", " ") != save


async def test_a_wrong_password_is_cleared(make_app: MakeApp, live_server: LiveServer) -> None:
    owner = live_server.make_owner(0)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_async(lambda: app.account_state.connection == "online", pilot=pilot)
        await type_text(pilot, owner.email)
        await pilot.press("enter")
        await type_text(pilot, "not-the-password")
        await pilot.press("enter")
        await wait_for_async(lambda: "Error" in screen_text(pilot, "#login-error"), pilot=pilot)
        assert app.screen.query_one("#password", Input).value == ""
        await type_text(pilot, owner.password)  # the next try is the password alone
        await pilot.press("enter")
        await on_dashboard(pilot)


async def test_support_starts_in_the_message_and_forgets_a_fixed_error(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    app = make_app(signed_in_as=fixed_owner(live_server))
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen.focused, TextArea)
        await type_text(pilot, "Please add more")
        await pilot.press("ctrl+s")
        await wait_for_async(lambda: "Amount" in screen_text(pilot, "#support-result"), pilot=pilot)
        app.screen.query_one("#support-amount", Input).focus()
        await type_text(pilot, "5000")
        await wait_for_async(lambda: screen_text(pilot, "#support-result") == "", pilot=pilot)


async def test_palette_refreshes_and_redraws_and_sign_out_has_a_key(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.help import help_sections
    from screens.login import LoginScreen

    owner = fixed_owner(live_server)
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        credit_quietly(live_server, owner)
        for command in ("Redraw", "Refresh"):
            await pilot.press("ctrl+p")
            await type_text(pilot, command)
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
        assert app.account_state.account is not None
        assert app.account_state.account.balance == 4250 + 100  # read again by Refresh
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("y")
        await wait_for_async(lambda: isinstance(app.screen, LoginScreen), pilot=pilot)
    dashboard = dict(help_sections())["Dashboard"]
    assert ("o", "Sign out") in dashboard


def credit_quietly(live_server: LiveServer, owner: Owner) -> None:
    """Add $1.00 behind the app's back, with no event: only a refresh brings it to the app."""

    async def write(ctx: Any) -> None:
        from credits_server.ledger import post

        async with ctx.db.write() as session:
            await post(
                session, owner.account_id, kind="adjustment", amount=100, description="Fix-up"
            )

    live_server.run(write)

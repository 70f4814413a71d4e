"""Balance, connection banner and card summary: what a person reads on the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Digits, Footer, Label

from credits_client.api.models import PaymentMethod
from credits_client.state import Connection
from widgets.balance import BalanceDisplay
from widgets.card_summary import CardSummary, describe_card
from widgets.connection_banner import ConnectionBanner

SnapCompare = Callable[..., bool]
VISA = PaymentMethod(id="pm_1", brand="visa", last4="4242", exp_month=12, exp_year=2034)
AMEX = PaymentMethod(id="pm_2", brand="amex", last4="0005", exp_month=3, exp_year=2025)


class DashboardTop(App[None]):
    """The top of the dashboard, built from the three widgets."""

    def __init__(
        self,
        *,
        balance: int | None = 123456,
        low: bool = False,
        connection: Connection = "online",
        card: PaymentMethod | None = VISA,
        ascii_only: bool = False,
    ) -> None:
        super().__init__()
        self._args = (balance, low, connection, card, ascii_only)

    def compose(self) -> ComposeResult:
        balance, low, connection, card, ascii_only = self._args
        yield ConnectionBanner(connection, ascii_only=ascii_only)
        yield BalanceDisplay(balance, "USD", low=low, level=2000, ascii_only=ascii_only)
        yield Label("Card on file")
        yield CardSummary(card, today=date(2026, 11, 29), ascii_only=ascii_only)
        yield Footer()


def words(widget: Label) -> str:
    return str(widget.render())


def amount_shown(pilot: Pilot[None]) -> str:
    amount = pilot.app.query_one(".balance--amount")
    if isinstance(amount, Digits):
        return amount.value
    assert isinstance(amount, Label)
    return words(amount)


async def test_the_balance_is_shown_with_its_currency() -> None:
    app = DashboardTop()
    async with app.run_test() as pilot:
        assert amount_shown(pilot) == "$1,234.56"
        assert words(app.query_one(".balance--currency", Label)) == "USD"
        display = app.query_one(BalanceDisplay)
        assert not display.has_class("-low")
        assert app.query_one(".balance--status").region.height == 0


async def test_low_balance_is_said_in_words_not_only_colour() -> None:
    app = DashboardTop(balance=1500, low=True)
    async with app.run_test() as pilot:
        display = app.query_one(BalanceDisplay)
        assert display.has_class("-low")
        status = app.query_one(".balance--status", Label)
        assert status.region.height == 1
        assert words(status) == "⚠ Low balance: below $20.00"
        display.update_balance(5000, "USD", low=False)
        await pilot.pause()
        assert amount_shown(pilot) == "$50.00"
        assert status.region.height == 0


async def test_loading_then_a_currency_without_a_symbol() -> None:
    app = DashboardTop(balance=None)
    async with app.run_test() as pilot:
        assert amount_shown(pilot) == "…"
        app.query_one(BalanceDisplay).update_balance(250075, "sek", low=False)
        assert amount_shown(pilot) == "2,500.75"
        assert words(app.query_one(".balance--currency", Label)) == "SEK"


async def test_ascii_terminals_get_one_line_of_plain_text() -> None:
    app = DashboardTop(low=True, ascii_only=True)
    async with app.run_test() as pilot:
        assert not app.query(Digits)
        assert amount_shown(pilot) == "$1,234.56"
        assert words(app.query_one(".balance--status", Label)) == "! Low balance: below $20.00"


@pytest.mark.parametrize(
    ("status", "text"),
    [
        ("offline", "Offline — retrying…"),
        ("reconnecting", "Reconnecting…"),
        ("connecting", "Connecting…"),
    ],
)
async def test_the_banner_says_what_is_wrong(status: Connection, text: str) -> None:
    app = DashboardTop(connection=status)
    async with app.run_test():
        banner = app.query_one(ConnectionBanner)
        assert banner.region.height == 1
        assert str(banner.render()) == text


async def test_the_banner_is_hidden_online_and_shows_detail_as_text() -> None:
    app = DashboardTop(connection="offline", ascii_only=True)
    async with app.run_test() as pilot:
        banner = app.query_one(ConnectionBanner)
        banner.detail = "[b]your changes are kept[/b]"
        await pilot.pause()
        assert str(banner.render()) == "Offline - retrying... [b]your changes are kept[/b]"
        banner.status = "online"
        await pilot.pause()
        assert banner.region.height == 0


def test_card_descriptions() -> None:
    today = date(2026, 11, 29)
    assert describe_card(VISA) == "Visa •••• 4242  exp 12/34"
    assert describe_card(VISA, ascii_only=True) == "Visa **** 4242  exp 12/34"
    assert describe_card(VISA, expiry=False) == "Visa •••• 4242"
    assert describe_card(AMEX, today=today) == "Amex •••• 0005  expired 03/25"
    odd = PaymentMethod(id=None, brand="Martian", last4="[red]42", exp_month=1, exp_year=2030)
    assert describe_card(odd) == "Card •••• 42  exp 01/30"


async def test_no_card_on_file() -> None:
    app = DashboardTop(card=None)
    async with app.run_test():
        summary = app.query_one(CardSummary)
        assert str(summary.render()) == "No card on file"
        summary.update_card(VISA)
        assert str(summary.render()) == "Visa •••• 4242  exp 12/34"


async def _pause(pilot: Pilot[None]) -> None:
    await pilot.pause()


def test_snapshot_normal_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(DashboardTop(), terminal_size=(80, 24), run_before=_pause)


def test_snapshot_normal_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(DashboardTop(), terminal_size=(120, 40), run_before=_pause)


def test_snapshot_low_offline_80x24(snap_compare: SnapCompare) -> None:
    app = DashboardTop(balance=1500, low=True, connection="offline", card=AMEX)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_pause)


def test_snapshot_low_reconnecting_120x40(snap_compare: SnapCompare) -> None:
    app = DashboardTop(balance=1500, low=True, connection="reconnecting", card=None)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_pause)


def test_snapshot_ascii_low_offline_80x24(snap_compare: SnapCompare) -> None:
    app = DashboardTop(balance=1500, low=True, connection="offline", ascii_only=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_pause)

"""The account balance, large and clear, with its currency and a worded low-balance warning."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Digits, Label

from credits_core.money import format_money
from widgets.glyphs import use_ascii


class BalanceDisplay(Widget):
    """The balance in big digits (3 lines) with the currency code beside it.

    Under the low-balance level the widget gets the `-low` class (warning colour) and a line that
    says so in words, so the warning reads without colour too. `big=False`, or an ASCII-only
    terminal, draws the amount as one bold line of text instead of the 3-line digits.
    """

    DEFAULT_CSS = """
    BalanceDisplay {
        height: auto;
        width: 1fr;
        & > .balance--caption { color: $text-muted; }
        & > Horizontal { height: auto; width: 1fr; }
        & .balance--amount { width: auto; text-style: bold; color: $text; }
        & .balance--currency { width: auto; height: 100%; content-align: left bottom;
                               margin-left: 1; color: $text-muted; }
        & > .balance--status { display: none; color: $warning; text-style: bold; }
        &.-low {
            & .balance--amount { color: $warning; }
            & > .balance--status { display: block; }
        }
        &:ansi.-low .balance--amount { color: ansi_yellow; }
    }
    """

    def __init__(
        self,
        minor: int | None = None,
        currency: str = "USD",
        *,
        low: bool = False,
        level: int | None = None,
        caption: str = "Balance",
        big: bool = True,
        ascii_only: bool | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """A balance.

        Args:
            minor: The balance in minor units; None shows that it is still loading.
            currency: Its ISO 4217 currency.
            low: Whether it is under the low-balance level (the account says).
            level: The low-balance level, to say "below $20.00" in the warning.
            caption: The words above the amount.
            big: Draw the amount in 3-line digits (else one line of bold text).
            ascii_only: Draw with ASCII only; None: the app's `ascii` setting.
        """
        super().__init__(name=name, id=id, classes=classes)
        self._caption = caption
        self._ascii = use_ascii(self, ascii_only)
        self._big = big and not self._ascii
        self._state = (minor, currency.upper(), low, level)

    def compose(self) -> ComposeResult:
        yield Label(self._caption, classes="balance--caption", markup=False)
        with Horizontal():
            if self._big:
                yield Digits("", classes="balance--amount")
            else:
                yield Label("", classes="balance--amount", markup=False)
            yield Label("", classes="balance--currency", markup=False)
        yield Label("", classes="balance--status", markup=False)

    def on_mount(self) -> None:
        self._show()

    @property
    def minor(self) -> int | None:
        """The balance shown, in minor units (None while loading)."""
        return self._state[0]

    def update_balance(
        self, minor: int | None, currency: str, low: bool, level: int | None = None
    ) -> None:
        """Show a new balance; `low` adds the warning colour and words."""
        state = (minor, currency.upper(), low, level)
        if state == self._state and self.is_mounted:
            return  # the same picture: no repaint (every repainted cell crosses an SSH link)
        self._state = state
        if self.is_mounted:
            self._show()

    def _show(self) -> None:
        minor, currency, low, level = self._state
        if minor is None:
            amount_text, code = ("..." if self._ascii else "…"), ""
        else:
            amount_text, code = format_money(minor, currency, symbol=True), currency
            if amount_text.endswith(f" {currency}"):  # no symbol: the code is said beside it
                amount_text = amount_text.removesuffix(f" {currency}")
        amount = self.query_one(".balance--amount")
        if isinstance(amount, Digits):
            if amount.value != amount_text:
                amount.update(amount_text)
        elif isinstance(amount, Label):
            _show(amount, amount_text)
        _show(self.query_one(".balance--currency", Label), code)
        warning = "! " if self._ascii else "⚠ "
        below = f": below {format_money(level, currency)}" if level is not None else ""
        _show(self.query_one(".balance--status", Label), f"{warning}Low balance{below}")
        self.set_class(low and minor is not None, "-low")


def _show(label: Label, text: str) -> None:
    """Update `label` only if it shows something else: an update relayouts and repaints it."""
    if label.content != text:
        label.update(text)

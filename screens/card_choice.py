"""How the payment screen pays: a saved card or a new one (typed in, saved for auto-recharge
if ticked), and the choice in words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Checkbox, RadioSet, Static

from credits_client.api.models import PaymentMethod
from screens.format import card_expiry, card_label
from widgets.card_form import CardForm
from widgets.choice import Choice
from widgets.toggles import TickBox

NEW_CARD = "new-card"


class CardChoice(Vertical):
    """The saved cards and "A new card" (`#method`), the choice in words (`#paying-with`), the
    card form and the save tick box (`#save-card`). The screen passes the cards down."""

    DEFAULT_CSS = """
    CardChoice {
        height: auto;
    }
    CardChoice #paying-with {
        margin-bottom: 1;
        color: $text-muted;
    }
    CardChoice #save-card {
        margin: 1 0;
    }
    """

    def __init__(self, today: Callable[[], date], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._today = today
        self._cards: tuple[PaymentMethod, ...] = ()
        self._cards_shown: tuple[str | None, ...] | None = None
        self.typing_allowed = True
        """False when cards are paid on the secure page only: the form never shows."""

    def compose(self) -> ComposeResult:
        yield RadioSet(id="method", compact=True)
        yield Static(id="paying-with", markup=False)
        yield CardForm(self._today, id="card-form")
        yield TickBox("Save this card for auto-recharge", id="save-card", compact=True)

    @property
    def form(self) -> CardForm:
        return self.query_one(CardForm)

    @property
    def save_card(self) -> bool:
        return self.query_one("#save-card", Checkbox).value

    def show_cards(self, cards: tuple[PaymentMethod, ...], default: PaymentMethod | None) -> None:
        """The choices for `cards`, `default` chosen (none: a new card); only if they changed."""
        self._cards = cards
        ids = tuple(card.id for card in cards)
        if ids == self._cards_shown:
            return
        self._cards_shown = ids
        methods = self.query_one("#method", RadioSet)
        buttons = [
            Choice(Content(f"{card_label(card)}  exp {card_expiry(card)}"), id=f"card-{index}")
            for index, card in enumerate(cards)
        ]
        buttons.append(Choice("A new card", id=NEW_CARD))
        chosen = buttons[cards.index(default)] if default else buttons[-1]

        def choose() -> None:
            # Set after mounting, so the RadioSet hears of it and knows what is pressed.
            chosen.value = True
            if default is None:
                self.form.focus_first()

        async def replace() -> None:
            # The new choices reuse the old ones' ids: mounted only once those are gone.
            if self.is_attached:
                await methods.remove_children()
                await methods.mount_all(buttons)
                self.call_after_refresh(choose)

        if methods.children:  # the cards changed while the screen is open
            self.call_later(replace)
            return
        methods.mount_all(buttons)
        self.call_after_refresh(choose)

    @on(RadioSet.Changed, "#method")
    def _method_changed(self, event: RadioSet.Changed) -> None:
        new_card = event.pressed.id == NEW_CARD
        self.show_form(new_card)
        if new_card:
            self.call_after_refresh(self.form.focus_first)

    def show_choices(self, shown: bool) -> None:
        """Show or hide the choices and the words that say which is chosen."""
        for part in ("#method", "#paying-with"):
            self.query_one(part).display = shown

    def show_form(self, new_card: bool) -> None:
        """The card form and its tick box, for a new card where cards may be typed."""
        new_card = new_card and self.typing_allowed
        self.form.display = new_card
        self.query_one("#save-card").display = new_card
        self._say_choice()

    def hide_form(self) -> None:
        self.form.display = False
        self.query_one("#save-card").display = False

    @on(Checkbox.Changed, "#save-card")
    def _say_choice(self) -> None:
        """The choice in words, so it reads without colour (NO_COLOR) too."""
        card = self.chosen_card()
        if card is not None:
            text = f"Paying with {card_label(card)}."
        elif self.save_card:
            text = "Paying with a new card; it will be saved for auto-recharge."
        else:
            text = "Paying with a new card; it will not be saved."
        self.query_one("#paying-with", Static).update(text)

    def chosen_card(self) -> PaymentMethod | None:
        """The saved card chosen; None for a new card."""
        pressed = self.query_one("#method", RadioSet).pressed_button
        if pressed is None or pressed.id == NEW_CARD:
            return None
        return self._cards[int((pressed.id or "card-0").removeprefix("card-"))]

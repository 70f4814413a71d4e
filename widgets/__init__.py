"""Reusable Textual widgets of credits-tui, one per module."""

from widgets.amount_grid import AmountGrid
from widgets.card_cvc import CvcInput
from widgets.card_expiry import ExpiryInput
from widgets.card_number import CardNumberInput
from widgets.money_input import MoneyInput
from widgets.slider import Slider
from widgets.validated_input import ProblemValidator, ValidatedInput

__all__: list[str] = [
    "AmountGrid",
    "CardNumberInput",
    "CvcInput",
    "ExpiryInput",
    "MoneyInput",
    "ProblemValidator",
    "Slider",
    "ValidatedInput",
]

"""Reusable Textual widgets of credits-tui, one per module."""

from widgets.amount_grid import AmountGrid
from widgets.balance import BalanceDisplay
from widgets.card_cvc import CvcInput
from widgets.card_expiry import ExpiryInput
from widgets.card_number import CardNumberInput
from widgets.card_summary import CardSummary, describe_card
from widgets.connection_banner import ConnectionBanner
from widgets.money_input import MoneyInput
from widgets.slider import Slider
from widgets.validated_input import ProblemValidator, ValidatedInput

__all__: list[str] = [
    "AmountGrid",
    "BalanceDisplay",
    "CardNumberInput",
    "CardSummary",
    "ConnectionBanner",
    "CvcInput",
    "ExpiryInput",
    "MoneyInput",
    "ProblemValidator",
    "Slider",
    "ValidatedInput",
    "describe_card",
]

"""A field for an amount of money, checked as you type against a minimum and a maximum."""

from __future__ import annotations

import re

from credits_core.money import MoneyError, format_money, parse_money
from widgets.validated_input import ProblemValidator, ValidatedInput

ABOVE_MAX_MESSAGE = "Above {maximum}: ask support for a larger top-up"
"""The default words for an amount over the maximum; `{maximum}` is the formatted maximum."""


class MoneyInput(ValidatedInput):
    """An amount typed as a person writes it (`75`, `75.50`, `$1,250`), in whole minor units.

    Checked at every change. `amount` is the amount in minor units when it is acceptable (None
    otherwise); `above_max` says the amount is fine except for being over the maximum, so a
    screen can offer to ask support instead.
    """

    def __init__(
        self,
        value: str | None = None,
        placeholder: str = "",
        *,
        currency: str,
        minimum: int,
        maximum: int,
        above_max_message: str = ABOVE_MAX_MESSAGE,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
        compact: bool = False,
    ) -> None:
        """A money field.

        Args:
            currency: ISO 4217 code the amount is in.
            minimum: The smallest acceptable amount, in minor units.
            maximum: The largest acceptable amount, in minor units.
            above_max_message: The words for too large an amount (`{maximum}` is filled in).
        """
        self.currency = currency.upper()
        self.minimum = minimum
        self.maximum = maximum
        self.above_max_message = above_max_message
        super().__init__(
            value,
            placeholder
            or f"{format_money(minimum, currency)} to {format_money(maximum, currency)}",
            restrict=_restriction(currency),
            max_length=20,
            validators=[ProblemValidator(self._problem)],
            validate_on=("blur", "changed", "submitted"),
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
            compact=compact,
        )

    def configure(self, *, currency: str, minimum: int, maximum: int) -> None:
        """New limits (say, when the top-up options arrive); what is typed is checked again."""
        self.currency = currency.upper()
        self.minimum = minimum
        self.maximum = maximum
        self.restrict = _restriction(currency)
        if self.value:
            self.validate(self.value)

    def _parsed(self) -> int | None:
        try:
            return parse_money(self.value, self.currency)
        except MoneyError:
            return None

    def _problem(self, text: str) -> str | None:
        try:
            amount = parse_money(text, self.currency)
        except MoneyError as error:
            return str(error)
        if amount < self.minimum:
            return f"The minimum is {format_money(self.minimum, self.currency)}"
        if amount > self.maximum:
            return self.above_max_message.format(maximum=format_money(self.maximum, self.currency))
        return None

    @property
    def amount(self) -> int | None:
        """The amount in minor units when it is within the limits, else None."""
        amount = self._parsed()
        if amount is None or not self.minimum <= amount <= self.maximum:
            return None
        return amount

    @property
    def above_max(self) -> bool:
        """True when the text is a good amount, only larger than the maximum."""
        amount = self._parsed()
        return amount is not None and amount > self.maximum


def _restriction(currency: str) -> str:
    # Digits, separators, spaces and the characters of this currency's symbol or code.
    symbol = re.sub(r"[0-9.,\s]", "", format_money(0, currency))
    return f"[0-9.,\\s{re.escape(symbol)}]*"

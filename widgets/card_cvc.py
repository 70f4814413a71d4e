"""The card security code field: masked, digits only, as many as the card's brand has."""

from __future__ import annotations

from credits_core.card_checks import cvc_problem
from credits_core.cards import UNKNOWN, Brand
from widgets.validated_input import ProblemValidator, ValidatedInput


class CvcInput(ValidatedInput):
    """The CVC, shown as dots: 3 digits, 4 for American Express, either until the brand is known
    (set `brand` when the card number's brand changes). Never kept after the payment: clear it
    (`clear()`) when a payment is declined.
    """

    def __init__(
        self,
        value: str | None = None,
        placeholder: str = "CVC",
        *,
        brand: Brand = UNKNOWN,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
        compact: bool = False,
    ) -> None:
        self.brand = brand
        """The card's brand, whose security code length is asked for."""
        super().__init__(
            value,
            placeholder,
            password=True,
            restrict=r"[0-9]*",
            max_length=max(UNKNOWN.cvc_lengths),
            validators=[ProblemValidator(self._problem)],
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
            compact=compact,
        )

    def _problem(self, text: str) -> str | None:
        problem = cvc_problem(text, self.brand)
        return None if problem is None else problem.message

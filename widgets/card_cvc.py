"""The card security code field: masked, digits only, 3 or 4 of them."""

from __future__ import annotations

from widgets.validated_input import ProblemValidator, ValidatedInput


class CvcInput(ValidatedInput):
    """The CVC, shown as dots. 3 or 4 digits; set `length` to the brand's (`Brand.cvc_length`,
    4 for American Express) to ask for exactly that many. Never kept after the payment: clear it
    (`clear()`) when a payment is declined.
    """

    def __init__(
        self,
        value: str | None = None,
        placeholder: str = "CVC",
        *,
        length: int | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
        compact: bool = False,
    ) -> None:
        self.length = length
        """How many digits the card's brand uses, or None to accept 3 or 4."""
        super().__init__(
            value,
            placeholder,
            password=True,
            restrict=r"[0-9]*",
            max_length=4,
            validators=[ProblemValidator(self._problem)],
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
            compact=compact,
        )

    def _problem(self, text: str) -> str | None:
        if not text:
            return "Enter the security code (CVC)."
        if self.length is not None and len(text) != self.length:
            return f"The security code of this card has {self.length} digits."
        if not 3 <= len(text) <= 4:
            return "The security code has 3 or 4 digits."
        return None

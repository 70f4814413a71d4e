"""The card-number field: digits grouped as typed, the brand shown, Luhn checked before sending."""

from __future__ import annotations

import re

from textual.message import Message
from textual.reactive import var

from credits_core.card_checks import number_problem
from credits_core.cards import MAX_DIGITS, UNKNOWN, Brand, detect_brand, group_digits, only_digits
from widgets.validated_input import ProblemValidator, ValidatedInput

# What typing or pasting may bring: digits, and the spaces or dashes people copy with them.
_TYPEABLE = re.compile(r"[0-9 \-]*")


class CardNumberInput(ValidatedInput):
    """A card number as a person types it: `4242 4242 4242 4242` (Amex `3782 822463 10005`).

    Only digits go in (at most 19); the spaces are placed by the field and the cursor keeps its
    place among the digits. The brand detected from the first digits is `brand` and is shown in
    the field's bottom border; `BrandChanged` is posted when it changes. `digits` is the number
    without spaces. The number is never logged: keep it only as long as the payment needs it.
    """

    DEFAULT_CSS = """
    CardNumberInput {
        border-subtitle-color: $foreground;
        border-subtitle-style: bold;
    }
    """

    brand: var[Brand] = var(UNKNOWN, init=False)
    """The brand the digits point to; `credits_core.cards.UNKNOWN` until they tell."""

    class BrandChanged(Message):
        """The detected brand changed; handle as `on_card_number_input_brand_changed`."""

        def __init__(self, input: CardNumberInput, brand: Brand) -> None:
            super().__init__()
            self.input = input
            self.brand = brand

        @property
        def control(self) -> CardNumberInput:
            return self.input

    def __init__(
        self,
        value: str | None = None,
        placeholder: str = "as on the card",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
        compact: bool = False,
    ) -> None:
        super().__init__(
            value,
            placeholder,
            restrict=r"[0-9 ]*",
            max_length=MAX_DIGITS + 4,
            validators=[ProblemValidator(_number_problem)],
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
            compact=compact,
        )

    @property
    def digits(self) -> str:
        """The number without spaces."""
        return only_digits(self.value)

    def on_mount(self) -> None:
        self.brand = detect_brand(self.digits)

    def validate_value(self, value: str) -> str:
        # Whatever sets the value (typing, paste, code), it is shown grouped.
        return group_digits(only_digits(value)[:MAX_DIGITS])

    def watch_value(self, value: str) -> None:
        self.brand = detect_brand(only_digits(value))

    def watch_brand(self, brand: Brand) -> None:
        self.border_subtitle = "" if brand is UNKNOWN else brand.name
        self.post_message(self.BrandChanged(self, brand))

    def replace(self, text: str, start: int, end: int) -> None:
        """Edit as if the spaces were not there, then group again, the cursor after its digit."""
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        if not text and end - start == 1 and value[start] == " ":
            # Deleting a space the field placed would do nothing: delete the digit beyond it.
            if self.cursor_position == end:
                start -= 1
            else:
                end += 1
        if _TYPEABLE.fullmatch(text) is None:
            self.restricted()
            return
        digits = only_digits(value[:start] + text + value[end:])
        if len(digits) > MAX_DIGITS:
            self.restricted()
            return
        digits_before_cursor = len(only_digits(value[:start] + text))
        self.value = digits
        self.cursor_position = _index_after_digits(self.value, digits_before_cursor)


def _number_problem(text: str) -> str | None:
    problem = number_problem(only_digits(text))
    return None if problem is None else problem.message


def _index_after_digits(shown: str, count: int) -> int:
    """Where the cursor goes to sit just after the `count`-th digit of `shown`."""
    if count <= 0:
        return 0
    seen = 0
    for index, char in enumerate(shown):
        if char != " ":
            seen += 1
            if seen == count:
                return index + 1
    return len(shown)

"""The card expiry field: MM/YY with the slash put in as you type, checked against today."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from credits_core.card_checks import expiry_problem
from credits_core.cards import only_digits
from widgets.validated_input import ProblemValidator, ValidatedInput

_TYPEABLE = re.compile(r"[0-9/ ]*")
# A pasted expiry with a four-digit year ("12/2034"): keep the last two digits of the year.
_LONG_YEAR = re.compile(r"\s*(\d{1,2})\s*/\s*20(\d{2})\s*")


class ExpiryInput(ValidatedInput):
    """The expiry as MM/YY: type `1234` and see `12/34`; `month` and `year` (4 digits) read it.

    A first digit from 2 to 9 can only be a month 02-09, so the field makes it `0N/` at once;
    `1/` becomes `01/`. `today` is asked for the date the expiry is checked against (tests give a
    fixed one).
    """

    def __init__(
        self,
        value: str | None = None,
        placeholder: str = "MM/YY",
        *,
        today: Callable[[], date] = date.today,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
        compact: bool = False,
    ) -> None:
        self._today = today
        super().__init__(
            value,
            placeholder,
            restrict=r"[0-9/]*",
            max_length=5,
            validators=[ProblemValidator(self._problem)],
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
            compact=compact,
        )

    def _problem(self, text: str) -> str | None:
        month, year = self.month, self.year
        if month is None or year is None:
            return "Enter the expiry as MM/YY."
        problem = expiry_problem(month, year, self._today())
        return None if problem is None else problem.message

    @property
    def month(self) -> int | None:
        """The month typed (1-12 when valid), or None until two digits are in."""
        digits = only_digits(self.value)
        return int(digits[:2]) if len(digits) == 4 else None

    @property
    def year(self) -> int | None:
        """The year as four digits (`34` is 2034), or None until it is typed."""
        digits = only_digits(self.value)
        return 2000 + int(digits[2:]) if len(digits) == 4 else None

    def validate_value(self, value: str) -> str:
        digits = only_digits(value)[:4]
        return digits if len(digits) < 2 else f"{digits[:2]}/{digits[2:]}"

    def replace(self, text: str, start: int, end: int) -> None:
        """Edit the digits; the slash is the field's, so deleting it deletes the month's digit."""
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        if not text and value[start:end] == "/":
            start, end = (start - 1, end) if self.cursor_position == end else (start, end + 1)
        if _TYPEABLE.fullmatch(text) is None:
            self.restricted()
            return
        long_year = _LONG_YEAR.fullmatch(value[:start] + text + value[end:])
        if long_year is not None:
            month, year = long_year.groups()
            self.value = f"{month.zfill(2)}{year}"
            self.cursor_position = len(self.value)
            return
        before = only_digits(value[:start] + text)
        digits = only_digits(value[:start] + text + value[end:])
        if text and len(digits) == 1 and (digits in "23456789" or "/" in text):
            digits, before = "0" + digits, "0" + before
        if len(digits) > 4:
            self.restricted()
            return
        self.value = digits
        self.cursor_position = len(before) + (1 if len(before) >= 2 else 0)

"""An Input that judges late and forgives early: the base of the card and money fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from textual.validation import ValidationResult, Validator
from textual.widgets import Input

__all__ = ["ProblemValidator", "ValidatedInput"]

# The same Literal as Textual's Input (its alias lives in a private module).
InputValidationOn = Literal["blur", "changed", "submitted"]


class ProblemValidator(Validator):
    """A Validator from a function that says, in plain words, what is wrong (None when nothing)."""

    def __init__(self, problem: Callable[[str], str | None]) -> None:
        super().__init__()
        self._problem = problem

    def validate(self, value: str) -> ValidationResult:
        problem = self._problem(value)
        return self.success() if problem is None else self.failure(problem, value)


class ValidatedInput(Input):
    """Checks when you leave the field or press enter, not at every key.

    Once it has found a problem it checks again at every change, so the error goes away as soon as
    the text is right (and `Input.Changed.validation_result` says so). `problem` gives the first
    problem with the text as it is now, for a screen deciding whether it may submit.
    """

    def __init__(
        self,
        value: str | None = None,
        placeholder: str = "",
        *,
        password: bool = False,
        restrict: str | None = None,
        max_length: int = 0,
        validators: Validator | Iterable[Validator] | None = None,
        validate_on: Iterable[InputValidationOn] | None = ("blur", "submitted"),
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
        tooltip: str | None = None,
        compact: bool = False,
    ) -> None:
        super().__init__(
            value,
            placeholder,
            password=password,
            restrict=restrict,
            max_length=max_length,
            validators=validators,
            validate_on=validate_on,
            select_on_focus=False,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
            tooltip=tooltip,
            compact=compact,
        )
        self._checks_on_change = "changed" in self.validate_on

    def validate(self, value: str) -> ValidationResult | None:
        result = super().validate(value)
        if not self._checks_on_change:
            # While the field shows a problem, check at every change so a fix clears it at once.
            if result is not None and not result.is_valid:
                self.validate_on.add("changed")
            else:
                self.validate_on.discard("changed")
        return result

    @property
    def problem(self) -> str | None:
        """The first problem with the current text, in plain words; None when it is acceptable."""
        results = [validator.validate(self.value) for validator in self.validators]
        if not results:
            return None
        descriptions = ValidationResult.merge(results).failure_descriptions
        return descriptions[0] if descriptions else None

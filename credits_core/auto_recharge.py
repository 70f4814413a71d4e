"""The auto-recharge settings an owner writes: the one description of their fields.

`AutoRechargeFields` names each field with its type, default and limits. The server's request
and response bodies, the service that saves them, the settings row they are copied onto and the
client's models all take their fields from it, so a field is added here once.

Nothing here imports pydantic. `Limit` is the hook pydantic looks for on `Annotated` metadata
(`__get_pydantic_core_schema__`): a model built on these fields enforces the limits and
publishes them in its JSON Schema, and plain Python sees only the types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Annotated, Any, Literal

Mode = Literal["add", "top_up_to"]
# Bounded well inside a 64-bit column (and JavaScript's exact integers), so a huge number is
# refused as not valid instead of overflowing the database.
LARGEST_NUMBER = 10**15


@dataclass(frozen=True, slots=True)
class Limit:
    """Limits a validating model applies; the names are pydantic core schema keys."""

    strict: bool | None = None
    ge: int | None = None
    le: int | None = None
    max_length: int | None = None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: Callable[[Any], dict[str, Any]]
    ) -> dict[str, Any]:
        limits = {name: value for name, value in asdict(self).items() if value is not None}
        return {**handler(source), **limits}


# A JSON integer (never a float, never a string) that fits the columns.
Number = Annotated[int, Limit(strict=True, ge=-LARGEST_NUMBER, le=LARGEST_NUMBER)]
CardId = Annotated[str, Limit(max_length=40)]


class AutoRechargeFields:
    """The writable auto-recharge settings; amounts are integer minor units."""

    enabled: bool
    mode: Mode = "add"
    threshold: Number
    amount: Number
    target: Number | None = None
    payment_method_id: CardId | None = None
    backup_payment_method_id: CardId | None = None
    daily_limit: Number | None = None
    monthly_cap: Number | None = None


FIELDS: tuple[str, ...] = tuple(AutoRechargeFields.__annotations__)

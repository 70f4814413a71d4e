"""No card number or CVC enters credits-server: the app tokenizes a card at the gateway and sends
only the token. A request whose body or query string carries a card field (`number`, `cvc`,
`cvv`, `card_number`, Stripe's `card[number]` / `card[cvc]`) or a Luhn-valid number of 13 to 19
digits standing on its own (alone, or as the last or first groups of a longer run of digit groups,
as in "12 4242 4242 4242 4242") is refused with 422 `card_data_refused` before any route reads it.

Two exceptions: the paths the gateway's plugin names (`GatewayPlugin.card_path`, the sandbox's
tokenization endpoint, and `card_path_prefix`, the sandbox's payment page), which are the
gateway's, not the service's; and the gateway's webhooks
(`/v1/webhooks/`), which it signs, never carry a card, and may carry fields such as an invoice's
`number` or a network transaction id of 15 digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credits_server.api.problems import problem_response

REFUSED = (
    "Card numbers and security codes are not accepted here: the app sends the card to the "
    "payment gateway and gives the server only the gateway's token."
)
WEBHOOKS = "/v1/webhooks/"
_CARD_FIELD = re.compile(
    rb'"(?:number|cvc|cvv|card_number|cvc2)"\s*:|card(?:\[|%5B)(?:number|cvc)(?:\]|%5D)', re.I
)
# Every card field's name holds one of these: the regular expression runs only on a body that
# has one (a usage batch of 100 records has none, and the search cost ~140 us).
_FIELD_WORDS = (b"number", b"cvc", b"cvv")
# 13 digits or more (single spaces or dashes between), not inside a longer token or a +phone
# number. The look-behind comes after the first digit so that the search skips to digits (one
# starting with it tried a match at every byte: 180 us for a usage batch of 100 records, 70 us
# this way).
_DIGIT_RUN = re.compile(rb"[0-9](?<![0-9A-Za-z_+.\-][0-9])(?:[ -]?[0-9]){12,}(?![0-9A-Za-z_])")
_SEPARATOR = re.compile(rb"[ -]")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_numbers(run: bytes) -> Iterator[str]:
    """The numbers of 13 to 19 digits a run of digit groups may be or hold: whole groups, next to
    each other. A run is not read as one number only: in "12 4242 4242 4242 4242" the card is the
    last four groups (the whole run, 18 digits, fails the Luhn check)."""
    groups = [group.decode() for group in _SEPARATOR.split(run)]
    for start in range(len(groups)):
        digits = ""
        for group in groups[start:]:
            digits += group
            if len(digits) > 19:
                break
            if len(digits) >= 13:
                yield digits


def carries_card(data: bytes) -> bool:
    lowered = data.lower()
    if any(word in lowered for word in _FIELD_WORDS) and _CARD_FIELD.search(data):
        return True
    return any(
        luhn_valid(digits)
        for match in _DIGIT_RUN.finditer(data)
        for digits in card_numbers(match.group())
    )


class CardGuardMiddleware:
    def __init__(
        self, app: ASGIApp, *, allowed_path: str | None, allowed_prefix: str | None = None
    ) -> None:
        self.app = app
        self.allowed_path = allowed_path
        self.allowed_prefix = allowed_prefix

    def _gateways(self, path: str) -> bool:
        if path == self.allowed_path or path.startswith(WEBHOOKS):
            return True
        return self.allowed_prefix is not None and path.startswith(self.allowed_prefix)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or self._gateways(path):
            await self.app(scope, receive, send)
            return
        if carries_card(scope.get("query_string") or b""):
            await self._refuse(scope, receive, send)
            return
        if scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        # The whole body first (BodyLimitMiddleware, outside this one, bounds its size).
        messages: list[Message] = []
        try:
            while True:
                message = await receive()
                messages.append(message)
                if message["type"] != "http.request" or not message.get("more_body", False):
                    break
        except HTTPException as refused:  # too large: answered here, as the routes would
            code = "payload_too_large" if refused.status_code == 413 else "bad_request"
            response = problem_response(None, refused.status_code, code, refused.detail)
            await response(scope, receive, send)
            return
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        if carries_card(body):
            await self._refuse(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
        await problem_response(None, 422, "card_data_refused", REFUSED)(scope, receive, send)

"""One set of words for a failed payment: the server's `failure_message` and the app's
notification of a failed auto-recharge say the same for every code."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from credits_client.api.models import Event
from credits_core.declines import DECLINES, DID_NOT_GO_THROUGH
from credits_server.gateway.base import ChargeResult, failure_message
from screens.messages import describe_event


def _app_says(code: str, amount: int = 2500, currency: str = "USD") -> str:
    event = Event(
        id=1,
        type="auto_recharge.failed",
        created_at=datetime(2026, 11, 29, tzinfo=UTC),
        data={"amount": amount, "currency": currency, "failure_code": code},
    )
    shown = describe_event(event)
    assert shown is not None
    title, message, severity = shown
    assert (title, severity) == ("Auto-recharge failed", "error")
    return message


@pytest.mark.parametrize("code", [*sorted(DECLINES), "a_code_added_later"])
def test_app_and_server_give_the_same_words(code: str) -> None:
    server_says = failure_message(code)
    assert server_says is not None
    assert ChargeResult("ch_1", "failed", code).failure_message == server_says
    assert _app_says(code) == f"Could not add $25.00. {server_says}"


def test_the_words_people_read() -> None:
    assert failure_message("card_declined") == "The card was declined."
    assert failure_message("a_code_added_later") == DID_NOT_GO_THROUGH
    assert failure_message(None) is None
    assert _app_says("insufficient_funds", 1500, "UGX") == (
        "Could not add 1,500 UGX. The card has insufficient funds."
    )


def test_the_contract_lists_every_failure_code() -> None:
    """A code the server may answer is one a client must know: docs/CONTRACT.md names each."""
    from pathlib import Path

    contract = (Path(__file__).parents[2] / "docs" / "CONTRACT.md").read_text()
    missing = [code for code in DECLINES if code not in contract]
    assert missing == []

"""The newcomer's flow, by keys only, as a person does it: shared by the local and SSH tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from tests.support.terminal import TmuxTerminal

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"  # the public demo account


class Api:
    """The embedded server's API over its Unix socket, signed in as the demo owner."""

    def __init__(self, socket_path: Path) -> None:
        self._client = httpx.Client(
            transport=httpx.HTTPTransport(uds=str(socket_path)), base_url="http://embedded"
        )
        answer = self._client.post(
            "/v1/sessions", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
        )
        answer.raise_for_status()
        self._client.headers["Authorization"] = f"Bearer {answer.json()['token']}"

    def get(self, path: str) -> Any:
        answer = self._client.get(path)
        answer.raise_for_status()
        return answer.json()

    def close(self) -> None:
        self._client.close()


def sign_in(terminal: TmuxTerminal) -> None:
    terminal.wait_for("(online)")
    terminal.settle()
    terminal.type(DEMO_EMAIL)
    terminal.wait_for(DEMO_EMAIL + " ")
    terminal.press("Tab")
    terminal.settle()
    terminal.type(DEMO_PASSWORD)
    terminal.wait_for("•" * len(DEMO_PASSWORD))
    terminal.press("Enter")
    terminal.wait_for("Recent transactions")


def open_payment_for_50_with_a_new_card(terminal: TmuxTerminal) -> None:
    terminal.type("a")
    terminal.wait_for("Pick an amount")
    terminal.settle()
    terminal.type("3")  # the third preset: $50.00
    terminal.wait_for("Add $50.00 to Demo Co")
    terminal.settle()
    terminal.press("Down")
    terminal.settle()
    terminal.press("Enter")
    terminal.wait_for("Paying with a new card")
    terminal.settle()
    terminal.type("4242424242424242")
    terminal.wait_for("4242 4242 4242 4242")
    terminal.press("Tab")
    terminal.settle()
    terminal.type("1234")
    terminal.wait_for("12/34")
    terminal.press("Tab")
    terminal.settle()
    terminal.type("123")
    terminal.press("Tab")
    terminal.settle()
    terminal.type("Demo Person")
    terminal.wait_for("Demo Person")


def pay(terminal: TmuxTerminal) -> int:
    """Press ctrl+s and return the new balance the app reports, in cents."""
    terminal.press("C-s")
    screen = terminal.wait_for("New balance: $")  # this screen: the notice does not stay
    found = re.search(r"New balance: \$([0-9,]+)\.([0-9]{2})", screen)
    assert found is not None, screen
    return int(found.group(1).replace(",", "")) * 100 + int(found.group(2))


def raise_threshold_three_steps_and_save(terminal: TmuxTerminal) -> None:
    terminal.type("r")
    terminal.wait_for("When balance falls below")
    terminal.settle()
    terminal.press("Space")  # the switch has focus first
    terminal.wait_for("Unsaved changes")
    terminal.press("Tab")
    terminal.settle()
    terminal.press("Tab")
    terminal.settle()
    for _ in range(3):
        terminal.press("Right")
        terminal.settle()
    terminal.press("C-s")
    terminal.wait_for("Saved")


def dollars(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"

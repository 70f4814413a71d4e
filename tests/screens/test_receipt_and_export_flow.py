"""By keys: History, enter on a payment shows its receipt, ctrl+s saves it as a PDF in the
Downloads folder (read back with pdftotext); `e` exports the History's rows to a CSV file there."""

from __future__ import annotations

import csv
import subprocess
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot

from screens.transactions import TransactionsScreen
from tests.screens.conftest import MakeApp, fixed_owner
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import on_dashboard, screen_rows, screen_text, settle
from tests.support.wait import wait_for_async


@pytest.fixture
def downloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with a Downloads folder: where the app saves receipts and exports."""
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return home / "Downloads"


def paid_with_receipt(live_server: LiveServer, owner: Owner, amount: int) -> str:
    """Top up through the API; the text of the payment's receipt."""
    with httpx.Client(base_url=live_server.url, headers=owner.headers) as api:
        answer = api.post(
            "/v1/topups",
            json={"amount": amount, "payment_method_id": owner.payment_method_id},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert answer.json()["status"] == "succeeded"
        receipt_id = api.get("/v1/account/transactions").json()["data"][0]["receipt_id"]
        text: str = api.get(f"/v1/receipts/{receipt_id}").json()["text"]
    return text


def only_file(folder: Path) -> Path:
    [saved] = folder.iterdir()
    return saved


def pdf_words(path: Path) -> list[str]:
    extracted = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return words(extracted)


def words(text: str) -> list[str]:
    """Each line's words, blank lines left out (pdftotext lays out with spaces of its own)."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


async def open_history(pilot: Pilot[Any]) -> None:
    await on_dashboard(pilot)
    await pilot.press("t")
    await wait_for_async(
        lambda: "that is all" in screen_text(pilot, "#history-status"), pilot=pilot
    )
    await settle(pilot)


async def test_enter_shows_the_receipt_and_ctrl_s_saves_it_as_pdf(
    make_app: MakeApp, live_server: LiveServer, downloads: Path
) -> None:
    owner = live_server.make_owner(balance=1000)
    text = paid_with_receipt(live_server, owner, 2500)
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot)
        assert "Receipt f Filter e Export CSV" in screen_rows(pilot)[-1]
        await pilot.press("enter")
        await wait_for_async(
            lambda: "Amount paid: 25.00 USD" in words(screen_text(pilot, "#receipt-body")),
            pilot=pilot,
        )
        await pilot.press("ctrl+s")
        await wait_for_async(
            lambda: "Saved as" in screen_text(pilot, "#receipt-saved"), pilot=pilot
        )
        saved = only_file(downloads)
        assert screen_text(pilot, "#receipt-saved") == f"Saved as {saved}"
    assert pdf_words(saved) == words(text)


async def test_a_usage_row_has_no_receipt(
    make_app: MakeApp, live_server: LiveServer, downloads: Path
) -> None:
    app = make_app(signed_in_as=fixed_owner(live_server))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TransactionsScreen)


async def test_e_exports_the_rows_to_csv(
    make_app: MakeApp, live_server: LiveServer, downloads: Path
) -> None:
    owner = fixed_owner(live_server)
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot)
        await pilot.press("e")
        await wait_for_async(
            lambda: "saved as" in screen_text(pilot, "#export-status"), pilot=pilot
        )
        saved = only_file(downloads)
        assert screen_text(pilot, "#export-status") == f"4 rows saved as {saved}"
    rows = list(csv.DictReader(saved.read_text().splitlines()))
    assert [(r["created_at"], r["description"], r["amount_minor"], r["amount"]) for r in rows] == [
        ("2026-10-25T09:00:00Z", "Opening balance", "10000", "100.00"),
        ("2026-11-02T18:00:00Z", "Calls, week 44", "-2350", "-23.50"),
        ("2026-11-09T18:00:00Z", "Calls and SMS, week 45", "-1900", "-19.00"),
        ("2026-11-16T18:00:00Z", "Calls, week 46", "-1500", "-15.00"),
    ]
    assert {r["currency"] for r in rows} == {"USD"}

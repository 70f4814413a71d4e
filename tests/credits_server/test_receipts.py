"""Receipts: what one shows (JSON and PDF, read back with poppler's pdftotext), numbers without
gaps per seller under concurrent payments, and the auto-recharge's receipt. One server with a
seller and a 20% VAT configured, for the whole module."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.cards import through_gateway
from tests.support.engine import (
    FAST_ENGINE,
    enable_auto_recharge,
    make_api_key,
    post_usage,
    stop_engine_server,
    usage,
)
from tests.support.live_server import LiveServer, Owner
from tests.support.postgres import private_database_url
from tests.support.wait import wait_for

SELLER = {
    "CREDITS_SERVER_SELLER_NAME": "Acme Telecom Ltd",
    "CREDITS_SERVER_SELLER_ADDRESS": "1 Exchange Street\nLeeds LS1 4AB",
    "CREDITS_SERVER_SELLER_TAX_ID": "GB 123 4567 89",
    "CREDITS_SERVER_TAX_RATE_BASIS_POINTS": "2000",
    "CREDITS_SERVER_TOPUP_MAX_PER_MINUTE": "1000",
    "CREDITS_SERVER_CARD_SAVES_MAX": "1000",
}
DECLINED = "4000000000000002"


@pytest.fixture(scope="module")
def seller_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(
        Path(tmp_path_factory.mktemp("receipts-server")),
        env=FAST_ENGINE | SELLER,
        database_url_override=private_database_url("receipts"),
        # Room for a machine under load (a start takes about 2 s when it is not).
        startup_timeout=120,
    )
    server.start()
    server.open_database()
    try:
        yield server
    finally:
        stop_engine_server(server)


def pay(server: LiveServer, owner: Owner, amount: int, card: str | None = None) -> dict[str, Any]:
    async def send() -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=server.url, headers=owner.headers) as client:
            return await _pay(client, owner, amount, card)

    return asyncio.run(send())


async def _pay(
    client: httpx.AsyncClient, owner: Owner, amount: int, card: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"amount": amount, "payment_method_id": owner.payment_method_id}
    if card is not None:
        body = {"amount": amount, "card": {"number": card, "exp_month": 12, "exp_year": 2039}}
        body["card"] |= {"cvc": "123", "name": "T"}
    answer = await client.post(
        "/v1/topups",
        json=await through_gateway(client, body),
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert answer.status_code in (201, 402), answer.text
    result: dict[str, Any] = answer.json()
    return result


def newest_receipt_id(server: LiveServer, owner: Owner) -> str:
    answer = httpx.get(f"{server.url}/v1/account/transactions", headers=owner.headers)
    receipt_id: str = answer.json()["data"][0]["receipt_id"]
    return receipt_id


def test_a_top_up_has_a_receipt_with_the_seller_and_the_tax_line(
    seller_server: LiveServer, tmp_path: Path
) -> None:
    owner = seller_server.make_owner(balance=0, name="Café Zürich GmbH")
    pay(seller_server, owner, 5000)
    receipt_id = newest_receipt_id(seller_server, owner)
    body = httpx.get(f"{seller_server.url}/v1/receipts/{receipt_id}", headers=owner.headers).json()
    shown = {line["label"]: line["value"] for line in body["lines"]}
    assert shown["Seller"] == "Acme Telecom Ltd"
    assert [line["value"] for line in body["lines"]][3:5] == ["1 Exchange Street", "Leeds LS1 4AB"]
    assert shown["Tax number"] == "GB 123 4567 89"
    assert shown["Customer"] == "Café Zürich GmbH"
    assert shown["Item"] == "Calling credit, top-up"
    assert shown["Amount paid"] == "50.00 USD"
    # 20% included in 50.00: 50.00 * 20 / 120 = 8.333..., rounded to 8.33.
    assert shown["VAT 20% incl."] == "8.33 USD"
    assert shown["Paid by"] == "Visa ending in 4242"
    assert (body["amount"], body["tax_amount"], body["currency"]) == (5000, 833, "USD")
    assert body["text"].splitlines()[0] == "RECEIPT"

    pdf = httpx.get(f"{seller_server.url}/v1/receipts/{receipt_id}/pdf", headers=owner.headers)
    assert pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "receipt.pdf").write_bytes(pdf.content)
    extracted = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "receipt.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = [" ".join(line.split()) for line in extracted.splitlines() if line.strip()]
    expected = [" ".join(line.split()) for line in body["text"].splitlines() if line.strip()]
    assert words == expected


def test_another_accounts_receipt_is_not_found(seller_server: LiveServer) -> None:
    owner = seller_server.make_owner(balance=0)
    stranger = seller_server.make_owner(balance=0, with_card=False)
    pay(seller_server, owner, 1000)
    receipt_id = newest_receipt_id(seller_server, owner)
    for path in (f"/v1/receipts/{receipt_id}", f"/v1/receipts/{receipt_id}/pdf"):
        answer = httpx.get(f"{seller_server.url}{path}", headers=stranger.headers)
        assert (answer.status_code, answer.json()["code"]) == (404, "not_found")


def test_numbers_have_no_gaps_under_concurrent_top_ups(seller_server: LiveServer) -> None:
    owners = [seller_server.make_owner(balance=0) for _ in range(3)]

    async def storm() -> list[dict[str, Any]]:
        clients = [
            httpx.AsyncClient(base_url=seller_server.url, headers=o.headers, timeout=60)
            for o in owners
        ]
        try:
            payments = [
                _pay(client, o, 1000 + index, DECLINED if index % 3 == 0 else None)
                for index in range(6)
                for client, o in zip(clients, owners, strict=True)
            ]
            return await asyncio.gather(*payments)
        finally:
            for client in clients:
                await client.aclose()

    results = asyncio.run(storm())
    assert sorted(r["status"] for r in results) == ["failed"] * 6 + ["succeeded"] * 12
    numbers, per_topup = receipts_of(seller_server, "Acme Telecom Ltd")
    assert numbers == list(range(1, len(numbers) + 1))
    succeeded = {r["id"] for r in results if r["status"] == "succeeded"}
    assert succeeded <= set(per_topup)
    assert not {r["id"] for r in results if r["status"] == "failed"} & set(per_topup)


def receipts_of(server: LiveServer, seller: str) -> tuple[list[int], list[str]]:
    async def action(ctx: Any) -> tuple[list[int], list[str]]:
        from sqlalchemy import select

        from credits_server.models import Receipt

        async with ctx.db.read() as session:
            rows = (
                await session.execute(
                    select(Receipt.number, Receipt.topup_id)
                    .where(Receipt.seller == seller)
                    .order_by(Receipt.number)
                )
            ).all()
        return [int(number) for number, _ in rows], [str(topup) for _, topup in rows]

    return server.run(action)


def test_an_auto_recharge_has_its_receipt(seller_server: LiveServer) -> None:
    owner = seller_server.make_owner(balance=2000)
    enable_auto_recharge(seller_server, owner, threshold=1000, amount=2500)
    key = make_api_key(seller_server)
    assert post_usage(seller_server, key, usage(owner.account_id, 1500)).status_code == 201
    wait_for(lambda: seller_server.balance(owner.account_id) == 3000, what="the recharge")
    receipt_id = newest_receipt_id(seller_server, owner)
    body = httpx.get(f"{seller_server.url}/v1/receipts/{receipt_id}", headers=owner.headers).json()
    assert (body["kind"], body["amount"]) == ("auto_recharge", 2500)
    assert {line["label"]: line["value"] for line in body["lines"]}["Item"] == (
        "Calling credit, auto-recharge"
    )

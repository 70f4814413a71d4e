"""The ledger as CSV: the rows of a period and a kind, oldest first, money in minor units and as
text, a receipt id on payments, and spreadsheet formulas defused."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.support.live_server import LiveServer, Owner

ENTRIES = [
    (datetime(2026, 3, 31, 23, 59, tzinfo=UTC), -100, "Calls, March"),
    (datetime(2026, 4, 1, 0, 0, tzinfo=UTC), -125050, '=HYPERLINK("http://evil")'),
    (datetime(2026, 4, 30, 23, 59, tzinfo=UTC), -250, 'Calls, April, "quoted"'),
    (datetime(2026, 5, 1, 0, 0, tzinfo=UTC), -300, "Calls, May"),
]


def seed(server: LiveServer, owner: Owner) -> None:
    async def action(ctx: Any) -> None:
        from credits_server.ledger import post

        async with ctx.db.write() as session:
            for index, (at, amount, text) in enumerate(ENTRIES):
                await post(
                    session,
                    owner.account_id,
                    kind="usage",
                    amount=amount,
                    description=text,
                    reference=f"export-{index}",
                    created_at=at,
                )

    server.run(action)


def export(server: LiveServer, owner: Owner, **params: str) -> tuple[httpx.Response, list[Any]]:
    answer = httpx.get(
        f"{server.url}/v1/account/transactions.csv", params=params, headers=owner.headers
    )
    assert answer.status_code == 200, answer.text
    return answer, list(csv.reader(io.StringIO(answer.text)))


def test_a_period_of_one_kind_oldest_first(live_server: LiveServer) -> None:
    owner = live_server.make_owner(balance=1_000_000)
    seed(live_server, owner)
    answer, rows = export(live_server, owner, **{"from": "2026-04-01", "to": "2026-04-30"})
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["x-row-count"] == "2"
    assert rows[0] == [
        "id",
        "created_at",
        "kind",
        "description",
        "amount_minor",
        "amount",
        "balance_after_minor",
        "balance_after",
        "currency",
        "receipt_id",
    ]
    assert [row[1:] for row in rows[1:]] == [
        [
            "2026-04-01T00:00:00Z",
            "usage",
            '\'=HYPERLINK("http://evil")',
            "-125050",
            "-1,250.50",
            "874850",
            "8,748.50",
            "USD",
            "",
        ],
        [
            "2026-04-30T23:59:00Z",
            "usage",
            'Calls, April, "quoted"',
            "-250",
            "-2.50",
            "874600",
            "8,746.00",
            "USD",
            "",
        ],
    ]


def test_payments_carry_their_receipt_and_the_kind_filter_holds(
    live_server: LiveServer, owner: Owner
) -> None:
    answer = httpx.post(
        f"{live_server.url}/v1/topups",
        json={"amount": 2500, "payment_method_id": owner.payment_method_id},
        headers=owner.headers | {"Idempotency-Key": uuid.uuid4().hex},
    )
    assert answer.json()["status"] == "succeeded"
    newest = httpx.get(f"{live_server.url}/v1/account/transactions", headers=owner.headers)
    receipt_id = newest.json()["data"][0]["receipt_id"]
    assert receipt_id.startswith("rc_")
    _, rows = export(live_server, owner, kind="topup")
    assert [(row[2], row[4], row[5], row[9]) for row in rows[1:]] == [
        ("topup", "2500", "25.00", receipt_id)
    ]
    _, everything = export(live_server, owner)
    assert [row[2] for row in everything[1:]] == ["adjustment", "topup"]


def test_a_kind_that_does_not_exist_is_refused(live_server: LiveServer, owner: Owner) -> None:
    answer = httpx.get(
        f"{live_server.url}/v1/account/transactions.csv",
        params={"kind": "gift"},
        headers=owner.headers,
    )
    assert answer.status_code == 422


def test_a_day_must_be_written_as_a_date(live_server: LiveServer, owner: Owner) -> None:
    for value in ("0", "2026-13-01", "yesterday"):
        answer = httpx.get(
            f"{live_server.url}/v1/account/transactions.csv",
            params={"to": value},
            headers=owner.headers,
        )
        assert answer.status_code == 422, value

"""Top-ups that succeeded before receipts existed get theirs in the migration, numbered in the
order they were credited."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from credits_server.db import make_engine
from credits_server.migrate import migrate

ACCOUNT = (
    "INSERT INTO accounts (id, name, currency, balance, created_at)"
    " VALUES (:id, :name, 'EUR', 0, :at)"
)
ENTRY = (
    "INSERT INTO ledger_entries (id, account_id, kind, amount, balance_after, description,"
    " reference, created_at) VALUES (:id, 'ac_1', :kind, :amount, 0, '', :ref, :at)"
)
TOPUP = (
    "INSERT INTO topups (id, account_id, kind, idempotency_key, request_hash, amount, currency,"
    " status, gateway_token, card_brand, card_last4, card_exp_month, card_exp_year, card_name,"
    " save_card, ledger_entry_id, created_at, updated_at) VALUES (:id, 'ac_1', :kind, :id, '',"
    " :amount, 'EUR', :status, 'tok', 'mastercard', '4444', 12, 2039, '', false, :entry, :at, :at)"
)
AT = "2026-11-02 10:00:00.000000"


def test_earlier_top_ups_get_receipts_in_credit_order(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"

    async def scenario() -> list[tuple[object, ...]]:
        await migrate(url, "0008")
        engine = make_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.execute(text(ACCOUNT), {"id": "ac_1", "name": "Old Co", "at": AT})
                for entry, topup, kind, status in (
                    (2, "tu_b", "auto_recharge", "succeeded"),
                    (1, "tu_a", "topup", "succeeded"),
                    (None, "tu_c", "topup", "failed"),
                ):
                    if entry is not None:
                        values = {"id": entry, "kind": kind, "amount": 1000 * entry, "at": AT}
                        await connection.execute(text(ENTRY), values | {"ref": f"topup:{topup}"})
                    values = {"id": topup, "kind": kind, "status": status, "entry": entry}
                    await connection.execute(text(TOPUP), values | {"amount": 1000, "at": AT})
            await migrate(url)
            async with engine.connect() as connection:
                receipts = await connection.execute(
                    text(
                        "SELECT number, topup_id, kind, account_name, seller, card_brand"
                        " FROM receipts ORDER BY number"
                    )
                )
                counter = await connection.execute(text("SELECT * FROM receipt_counters"))
                return [tuple(row) for row in receipts] + [tuple(row) for row in counter]
        finally:
            await engine.dispose()

    assert asyncio.run(scenario()) == [
        (1, "tu_a", "topup", "Old Co", "", "mastercard"),
        (2, "tu_b", "auto_recharge", "Old Co", "", "mastercard"),
        ("", 2),
    ]

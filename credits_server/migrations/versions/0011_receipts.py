"""receipts: a numbered receipt for every succeeded top-up and auto-recharge, a counter per seller

Top-ups that succeeded before this migration get their receipts here, numbered 1, 2, ... in the
order they were credited, in the series of the seller with no name (the migration cannot know the
operator's seller settings, so these receipts carry no seller block and no tax line).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 05:40:00.000000
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "receipt_counters",
        sa.Column("seller", sa.String(length=200), nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("seller", name=op.f("pk_receipt_counters")),
    )
    receipts = op.create_table(
        "receipts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("topup_id", sa.String(length=40), nullable=False),
        sa.Column("ledger_entry_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("seller", sa.String(length=200), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("card_brand", sa.String(length=20), nullable=False),
        sa.Column("card_last4", sa.String(length=4), nullable=False),
        sa.Column("account_name", sa.String(length=200), nullable=False),
        sa.Column("seller_address", sa.String(length=500), nullable=False),
        sa.Column("seller_tax_id", sa.String(length=100), nullable=False),
        sa.Column("tax_label", sa.String(length=40), nullable=False),
        sa.Column("tax_rate_basis_points", sa.Integer(), nullable=True),
        sa.Column("tax_amount", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_receipts_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
        sa.UniqueConstraint("ledger_entry_id", name="uq_receipts_ledger_entry_id"),
        sa.UniqueConstraint("seller", "number", name="uq_receipts_seller_number"),
        sa.UniqueConstraint("topup_id", name="uq_receipts_topup_id"),
    )
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipts_account_id"), ["account_id"], unique=False)
    _backfill(receipts)


def _backfill(receipts: sa.Table) -> None:
    meta = sa.MetaData()
    topups = sa.Table("topups", meta, autoload_with=op.get_bind())
    entries = sa.Table("ledger_entries", meta, autoload_with=op.get_bind())
    accounts = sa.Table("accounts", meta, autoload_with=op.get_bind())
    query = (
        sa.select(
            topups.c.id,
            topups.c.account_id,
            topups.c.kind,
            topups.c.amount,
            topups.c.currency,
            topups.c.card_brand,
            topups.c.card_last4,
            topups.c.ledger_entry_id,
            entries.c.created_at,
            accounts.c.name,
        )
        .join(entries, entries.c.id == topups.c.ledger_entry_id)
        .join(accounts, accounts.c.id == topups.c.account_id)
        .where(topups.c.status == "succeeded")
        .order_by(entries.c.id)
    )
    bind = op.get_bind()
    number = 0
    for row in bind.execute(query):
        number += 1
        bind.execute(
            receipts.insert().values(
                id=f"rc_{secrets.token_hex(10)}",
                account_id=row.account_id,
                topup_id=row.id,
                ledger_entry_id=row.ledger_entry_id,
                kind=row.kind,
                seller="",
                number=number,
                issued_at=row.created_at,
                amount=row.amount,
                currency=row.currency,
                card_brand=row.card_brand,
                card_last4=row.card_last4,
                account_name=row.name,
                seller_address="",
                seller_tax_id="",
                tax_label="",
            )
        )
    if number:
        counters = sa.table("receipt_counters", sa.column("seller"), sa.column("last_number"))
        bind.execute(counters.insert().values(seller="", last_number=number))


def downgrade() -> None:
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipts_account_id"))
    op.drop_table("receipts")
    op.drop_table("receipt_counters")

"""ledger entries: index (account_id, created_at, id) for the daily balances

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 03:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Each day's closing balance is the last entry before its end: one seek with this index,
    # a walk over the account's entries without it.
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_entries_account_id_created_at_id",
            ["account_id", "created_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entries_account_id_created_at_id")

"""The ledger's ORM path: `post` (one entry) and the account lock every writer of an account takes.

Every change is an append-only entry carrying `balance_after`, written in the same transaction as
the account's `balance` column, so `balance == sum(entries)` at every commit. Two writers move a
balance: `post` here (top-ups, auto-recharges, adjustments, refunds, seeded history) and the usage
debit (credits_server.services.usage_debit, statements of its own for speed); both take their
decisions from credits_server.money_rules. Callers pass the session of a write transaction
(`Database.write()`); the account row is locked first (on PostgreSQL by moving its `version`, which
the usage debit's one-statement path checks; SQLite's BEGIN IMMEDIATE already holds the write lock).

`reference` makes an entry happen at most once per account (`topup:<id>`, `usage:<ref>`):
posting an existing reference returns the entry already there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from credits_server import money_rules
from credits_server.errors import Declined, not_found
from credits_server.models import Account, LedgerEntry, utcnow


class InsufficientCredits(Declined):
    def __init__(self, balance: int, amount: int, floor: int) -> None:
        super().__init__(
            "insufficient_credits",
            "Not enough credits: this would take the balance below what the account may owe.",
        )
        self.balance = balance
        self.amount = amount
        self.floor = floor


@dataclass(frozen=True, slots=True)
class Posted:
    entry: LedgerEntry
    created: bool
    """False when `reference` had already been posted (the earlier entry is returned)."""


def per_transaction(session: AsyncSession, name: str) -> dict[str, object]:
    """A dict kept in `session.info` for the session's current transaction only (a session that
    commits and goes on starts with an empty one)."""
    transaction = session.sync_session.get_transaction()
    held = session.info.get(name)
    if held is None or held[0] is not transaction:
        held = session.info[name] = (transaction, {})
    values: dict[str, object] = held[1]
    return values


def _locked(session: AsyncSession) -> dict[str, object]:
    """The accounts this transaction has locked (and so read fresh). Once locked, no other
    transaction can change the row until this one ends, and this session's own changes are on the
    object itself: reading it again would only repeat the same answer."""
    return per_transaction(session, "locked_accounts")


async def lock_account(session: AsyncSession, account_id: str) -> Account:
    held = _locked(session)
    known = held.get(account_id)
    if isinstance(known, Account):
        return known
    if session.get_bind().dialect.name == "postgresql":
        # The UPDATE locks the row against every other writer, as FOR UPDATE did, and the moved
        # version tells the usage debit's one-statement path (services/usage_debit_optimistic.py)
        # that someone else has written.
        locking: Any = (
            update(Account)
            .where(Account.id == account_id)
            .values(version=Account.version + 1)
            .returning(Account)
        )
    else:
        locking = select(Account).where(Account.id == account_id).with_for_update()
    account: Account | None = (
        await session.execute(locking.execution_options(populate_existing=True))
    ).scalar_one_or_none()
    if account is None:
        raise not_found("account")
    held[account_id] = account
    return account


async def find_by_reference(
    session: AsyncSession, account_id: str, reference: str
) -> LedgerEntry | None:
    return (
        await session.execute(
            select(LedgerEntry).where(
                LedgerEntry.account_id == account_id, LedgerEntry.reference == reference
            )
        )
    ).scalar_one_or_none()


async def post(
    session: AsyncSession,
    account_id: str,
    *,
    kind: str,
    amount: int,
    description: str,
    reference: str | None = None,
    floor: int | None = None,
    created_at: datetime | None = None,
) -> Posted:
    """Append one entry and move the balance with it, inside the caller's write transaction.

    `floor`: for debits, the lowest balance allowed afterwards (minus the overdraft); going past
    it raises InsufficientCredits and nothing is written.
    """
    money_rules.check_entry(kind, amount)
    account = await lock_account(session, account_id)
    if reference is not None:
        existing = await find_by_reference(session, account_id, reference)
        if existing is not None:
            return Posted(existing, created=False)
    if floor is not None and money_rules.below_floor(account.balance, amount, floor):
        raise InsufficientCredits(account.balance, amount, floor)
    new_balance = money_rules.balance_after(account.balance, amount)
    account.balance = new_balance
    entry = LedgerEntry(
        account_id=account_id,
        kind=kind,
        amount=amount,
        balance_after=new_balance,
        description=description[: money_rules.DESCRIPTION_LENGTH],
        reference=reference,
        created_at=created_at or utcnow(),
    )
    session.add(entry)
    await session.flush()
    return Posted(entry, created=True)

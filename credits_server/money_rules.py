"""The money rules: what an entry, a balance, an event number and a recharge intent come to.

Pure functions and values, no IO. Every code that writes money takes its decisions from here:
the ORM path (`credits_server.ledger.post`, `services.events.emit`, `services.recharge`) and the
usage debit's two statement sets (`services.usage_debit` with Core statements,
`services.usage_debit_postgres` with PostgreSQL's). Those only read and write what these
functions decided, under the account's row lock (FOR UPDATE on PostgreSQL; SQLite's write lock),
so what they read (balance, posted references, last event number, open intent) cannot change
before they write; or, on PostgreSQL's one-statement path (`services.usage_debit_optimistic`),
from what the process's own last commit left, written only while the account's version shows
that nothing has changed since.

tests/credits_server/test_ledger_conformance.py drives the same scenarios through every write path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

KINDS = ("topup", "auto_recharge", "usage", "adjustment", "refund")
CREDIT_KINDS = ("topup", "auto_recharge", "refund")
DEBIT_KINDS = ("usage",)
"""An adjustment may go either way; the other kinds have a sign."""

DESCRIPTION_LENGTH = 300


def check_entry(kind: str, amount: int) -> None:
    """Raise ValueError for an entry that makes no sense: an unknown kind, a zero or non-integer
    amount, a credit kind taking money or a debit kind giving it."""
    if kind not in KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise ValueError("a ledger amount is a non-zero integer of minor units")
    if kind in CREDIT_KINDS and amount < 0:
        raise ValueError(f"{kind} is a credit")
    if kind in DEBIT_KINDS and amount > 0:
        raise ValueError(f"{kind} is a debit")


def balance_after(balance: int, amount: int) -> int:
    """The balance an entry leaves: the entry's `balance_after` and the account's new balance."""
    return balance + amount


def below_floor(balance: int, amount: int, floor: int) -> bool:
    """Whether a debit is refused (insufficient credits): it would leave the balance below
    `floor` (minus the overdraft). A credit is never refused."""
    return amount < 0 and balance_after(balance, amount) < floor


def next_seq(last: int) -> int:
    """The account's next event number after `last` (0: none yet)."""
    return last + 1


def seqs_after(last: int, count: int) -> list[int]:
    """The next `count` event numbers after `last`, in order."""
    seqs = []
    for _ in range(count):
        last = next_seq(last)
        seqs.append(last)
    return seqs


def crosses(before: int, after: int, level: int) -> bool:
    """Whether a move of the balance goes down through `level`: from at or above to below."""
    return before >= level > after


def alert_level(threshold: int | None, low_balance_level: int) -> int:
    """The level of the low-balance alert: the recharge threshold while auto-recharge is on
    (`threshold` not None), else the server's low-balance level."""
    return threshold if threshold is not None else low_balance_level


def recharge_due(balance: int, threshold: int | None) -> bool:
    """Whether a balance calls for a recharge now (auto-recharge turned on, or a card trusted
    again, while the balance is already under the threshold)."""
    return threshold is not None and balance < threshold


def opens_intent(wanted: bool, already_open: bool) -> bool:
    """Whether to open a recharge intent: one is wanted (a crossing, or a recharge due) and none
    is open (at most one open intent per account; the crossings it covers alert each)."""
    return wanted and not already_open


def new_intent_values(intent_id: str, account_id: str, now: datetime) -> dict[str, Any]:
    """The columns of a newly opened recharge intent: the first attempt, on the default card,
    due now."""
    return {
        "id": intent_id,
        "account_id": account_id,
        "open_account_id": account_id,
        "status": "open",
        "attempt": 1,
        "card_index": 0,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
    }


@dataclass(frozen=True, slots=True)
class Debit:
    reference: str  # the ledger's reference: "usage:<record reference>"
    amount: int  # negative
    description: str


Posted = tuple[int, int, int]
"""An entry already in the ledger: (entry id, amount, balance_after)."""

How = Literal["new", "repeat", "refused"]


Decision = tuple[How, Debit, int]
"""One debit's fate: (how, debit, at). `at`: for "new", its row in `DebitPlan.made`; for
"repeat", that row (a reference repeated within the transaction) or -1 (posted before); for
"refused", the balance it saw. A plain tuple: one is made per debit, and a NamedTuple's
constructor is a Python function call (bench/FINDINGS.md section 4)."""


@dataclass(slots=True)
class DebitPlan:
    """The debits of one account in one transaction, as if applied one after another."""

    balance: int
    """The balance after them all."""
    made: list[tuple[Debit, int]] = field(default_factory=list)
    """The new entries in order: (debit, balance_after)."""
    decisions: list[list[Decision]] = field(default_factory=list)
    """Each part's (request's) debits, in order."""
    ends: list[int] = field(default_factory=list)
    """len(made) after each part: made[ends[k-1]:ends[k]] are part k's."""


def plan_debits(
    balance: int, posted: dict[str, Posted], parts: list[list[Debit]], floor: int
) -> DebitPlan:
    """A reference is posted once per account (a repeat answers with the first entry), a debit
    past the floor is refused alone, every other debit moves the balance."""
    plan = DebitPlan(balance)
    pending: dict[str, int] = {}  # reference -> row in made (a repeat within the transaction)
    for debits in parts:
        decisions: list[Decision] = []
        for debit in debits:
            if debit.reference in posted or debit.reference in pending:
                decisions.append(("repeat", debit, pending.get(debit.reference, -1)))
            elif below_floor(plan.balance, debit.amount, floor):
                decisions.append(("refused", debit, plan.balance))
            else:
                plan.balance = balance_after(plan.balance, debit.amount)
                pending[debit.reference] = len(plan.made)
                decisions.append(("new", debit, len(plan.made)))
                plan.made.append((debit, plan.balance))
        plan.decisions.append(decisions)
        plan.ends.append(len(plan.made))
    return plan


def debit_events(
    plan: DebitPlan, currency: str, threshold: int | None, low_balance_level: int
) -> tuple[list[tuple[str, dict[str, Any]]], bool]:
    """The events of a plan's debits, per part as if each ran alone: a low-balance alert on each
    downward crossing of the alert level, then the balance that part left. And whether a debit
    crossed the recharge threshold (None: auto-recharge off), which wants an intent."""
    level = alert_level(threshold, low_balance_level)
    events: list[tuple[str, dict[str, Any]]] = []
    crossed = False
    start = 0
    for end in plan.ends:
        for debit, after in plan.made[start:end]:
            before = after - debit.amount
            if crosses(before, after, level):
                events.append(("low_balance", {"balance": after, "level": level}))
            if threshold is not None and crosses(before, after, threshold):
                crossed = True
        if end > start:
            events.append(
                ("balance.updated", {"balance": plan.made[end - 1][1], "currency": currency})
            )
        start = end
    return events, crossed

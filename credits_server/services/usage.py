"""Usage metering: the telephony platform's call and message records debit the ledger.

A batch is applied in one write transaction, each record answered on its own: a refused record
(unknown account, not enough credits, not valid) changes nothing and does not sink the others.
A record's `reference` makes it happen once per account (ledger reference `usage:<reference>`).
Requests that arrive while a debit transaction runs share the next one (group commit,
credits_server.services.usage_queue), each answered as if alone.
A debit that crosses the auto-recharge threshold opens the recharge intent in this same
transaction (usage_debit, by the rules of credits_server.money_rules); the charge itself runs
later, outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from credits_server.context import Context
from credits_server.errors import DomainError, Invalid, not_found
from credits_server.ledger import InsufficientCredits
from credits_server.money_rules import Debit
from credits_server.representations import transaction_id
from credits_server.services import recharge
from credits_server.services.usage_debit import AccountDebits
from credits_server.services.usage_queue import queue_for

MAX_BATCH = 1000
KINDS = {"call": "Call", "sms": "SMS", "other": "Usage"}
MAX_REFERENCE = 190  # the ledger's reference column holds "usage:" + this
MAX_AMOUNT = 10**12

Status = Literal["applied", "duplicate", "refused"]


# Not frozen: a frozen dataclass sets each field through object.__setattr__, and one of each is
# made per record of a batch of up to 1,000 (bench/FINDINGS.md section 4).
@dataclass(slots=True)
class UsageRecord:
    account_id: str
    amount: int
    kind: str
    reference: str


@dataclass(slots=True)
class UsageResult:
    reference: str | None
    account_id: str | None
    status: Status
    transaction_id: str | None = None
    amount: int | None = None
    balance_after: int | None = None
    currency: str | None = None
    error: DomainError | None = None
    """Why a `refused` record was refused."""

    def as_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "account_id": self.account_id,
            "status": self.status,
            "transaction_id": self.transaction_id,
            "amount": self.amount,
            "balance_after": self.balance_after,
            "currency": self.currency,
            "code": None if self.error is None else self.error.code,
            "detail": None if self.error is None else self.error.detail,
        }


def _refused(raw: Any, error: DomainError) -> UsageResult:
    fields = raw if isinstance(raw, dict) else {}
    reference = fields.get("reference")
    account_id = fields.get("account_id")
    return UsageResult(
        reference if isinstance(reference, str) else None,
        account_id if isinstance(account_id, str) else None,
        "refused",
        error=error,
    )


def parse_record(raw: Any) -> UsageRecord | UsageResult:
    """A record as sent, checked field by field (an int is an int: no floats, no strings)."""
    # A record as JSON decodes it (exact types) that is valid takes this path; any other is
    # checked below, where every problem is named.
    if type(raw) is dict and len(raw) == 4:
        account_id, amount = raw.get("account_id"), raw.get("amount")
        kind, reference = raw.get("kind"), raw.get("reference")
        if (
            type(account_id) is str
            and 0 < len(account_id) <= 40
            and type(amount) is int
            and 0 < amount <= MAX_AMOUNT
            and type(kind) is str
            and kind in KINDS
            and type(reference) is str
            and 0 < len(reference) <= MAX_REFERENCE
        ):
            return UsageRecord(account_id, amount, kind, reference)
    return _checked_record(raw)


def _checked_record(raw: Any) -> UsageRecord | UsageResult:
    if not isinstance(raw, dict):
        return _refused(raw, Invalid("validation_error", "A usage record is a JSON object."))
    problems = []
    account_id, amount = raw.get("account_id"), raw.get("amount")
    kind, reference = raw.get("kind"), raw.get("reference")
    if not isinstance(account_id, str) or not 0 < len(account_id) <= 40:
        problems.append("account_id is required")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        problems.append("amount must be a positive integer of minor units")
    if not isinstance(kind, str) or kind not in KINDS:  # {} or [] is no kind (unhashable)
        problems.append("kind must be call, sms or other")
    if not isinstance(reference, str) or not 0 < len(reference) <= MAX_REFERENCE:
        problems.append(f"reference must be 1 to {MAX_REFERENCE} characters")
    if set(raw) - {"account_id", "amount", "kind", "reference"}:
        problems.append("unknown fields")
    if problems:
        return _refused(raw, Invalid("validation_error", "; ".join(problems) + "."))
    assert isinstance(account_id, str)
    assert isinstance(amount, int)
    assert isinstance(kind, str)
    assert isinstance(reference, str)
    return UsageRecord(account_id, amount, kind, reference)


async def apply_usage(ctx: Context, items: list[UsageRecord | UsageResult]) -> list[UsageResult]:
    """Apply the valid records in one transaction; answers come back in the order sent."""
    answers: dict[int, UsageResult] = {}
    by_account: dict[str, list[tuple[int, UsageRecord]]] = {}
    for index, item in enumerate(items):
        if isinstance(item, UsageRecord):
            by_account.setdefault(item.account_id, []).append((index, item))
    wanted = {
        account_id: [
            Debit(
                f"usage:{record.reference}",
                -record.amount,
                f"{KINDS[record.kind]} ({record.reference})",
            )
            for _, record in records
        ]
        for account_id, records in by_account.items()
    }
    floor = -ctx.settings.usage_overdraft
    level = ctx.settings.low_balance_level
    done = await queue_for(ctx.db, floor, level).submit(wanted) if wanted else {}
    for account_id, records in by_account.items():
        _answer(account_id, records, done[account_id], floor, answers)
    if any(debits.opened_intent for debits in done.values()):
        recharge.wake_worker()
    return [
        item if isinstance(item, UsageResult) else answers[index]
        for index, item in enumerate(items)
    ]


def _answer(
    account_id: str,
    records: list[tuple[int, UsageRecord]],
    done: AccountDebits,
    floor: int,
    answers: dict[int, UsageResult],
) -> None:
    if done.currency is None:
        for index, record in records:
            answers[index] = _refused(_as_raw(record), not_found("account"))
        return
    for (index, record), outcome in zip(records, done.outcomes, strict=True):
        if outcome.entry_id is None:
            refused = InsufficientCredits(outcome.balance, outcome.amount, floor)
            answers[index] = _refused(_as_raw(record), refused)
            continue
        answers[index] = UsageResult(
            record.reference,
            account_id,
            "applied" if outcome.created else "duplicate",
            transaction_id=transaction_id(outcome.entry_id),
            amount=outcome.amount,
            balance_after=outcome.balance_after,
            currency=done.currency,
        )


def _as_raw(record: UsageRecord) -> dict[str, Any]:
    return {"reference": record.reference, "account_id": record.account_id}

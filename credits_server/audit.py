"""The audit trail: who changed what, when, from where, with the values before and after.

Rows are written by the flush that writes the change, so they commit or vanish together with it.
No service calls this module: a flush hook watches the tables named in `AUDITED`, and the API
layer (or the operator command line) says who is acting with `acting`/`act_as`. Tables left out on
purpose are in `NOT_AUDITED`; a test keeps every table in exactly one of the two.

Usage debits are not audited here: they arrive by the thousand through the ledger's Core fast
paths, and the ledger (append-only, with its reference) is already their record.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from credits_server.models import Account, AuditEvent, Base, User, utcnow

ActorKind = Literal["user", "api_key", "operator", "system"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who a change is done for, as the audit trail names them."""

    kind: ActorKind
    id: str | None = None
    label: str = ""
    address: str | None = None
    account_id: str | None = None


SYSTEM = Actor("system", label="credits-server")

_actor: ContextVar[Actor] = ContextVar("audit_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _actor.get()


def act_as(actor: Actor) -> None:
    """Name the actor for the rest of this task (a request's: tasks it starts inherit it)."""
    _actor.set(actor)


@contextlib.contextmanager
def acting(actor: Actor) -> Iterator[None]:
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


@dataclass(frozen=True, slots=True)
class Audited:
    """What is recorded of one table: which changes, and which columns are never shown (secrets,
    tokens, hashes) or not worth a row on their own (bookkeeping the change carries along)."""

    name: str
    changes: frozenset[str]
    hidden: frozenset[str] = frozenset()
    bookkeeping: frozenset[str] = frozenset()


def _audited(name: str, changes: str, hidden: str = "", bookkeeping: str = "") -> Audited:
    return Audited(
        name, frozenset(changes.split()), frozenset(hidden.split()), frozenset(bookkeeping.split())
    )


AUDITED: dict[str, Audited] = {
    "accounts": _audited("account", "created updated", bookkeeping="balance"),
    "users": _audited("user", "created updated deleted", hidden="password_hash"),
    "sessions": _audited("session", "created deleted", hidden="token_hash"),
    "payment_methods": _audited("card", "created updated deleted", hidden="gateway_token"),
    "topups": _audited("topup", "created", hidden="gateway_token request_hash idempotency_key"),
    "ledger_entries": _audited("ledger", "created"),
    "auto_recharge_settings": _audited(
        "auto_recharge",
        "created updated",
        bookkeeping="version updated_at last_attempt_status last_attempt_failure_code "
        "last_attempt_at",
    ),
    "support_requests": _audited(
        "support_request", "created updated", hidden="request_hash idempotency_key"
    ),
    "api_keys": _audited("api_key", "created updated deleted", hidden="key_hash"),
    "ssh_keys": _audited("ssh_key", "created deleted", hidden="public_key"),
    "password_resets": _audited("password_reset", "created updated", hidden="code_hash"),
    "invitations": _audited("invitation", "created updated deleted", hidden="code_hash"),
    "notification_targets": _audited(
        "notification_target",
        "created updated deleted",
        hidden="secret",
        bookkeeping="failing_since claimed_by claimed_at",
    ),
    "payment_links": _audited(
        "payment_link",
        "created updated",
        hidden="token_hash form_secret request_hash idempotency_key",
        bookkeeping="updated_at tries",
    ),
}

# Tables whose rows are not actions of anyone: counters, queues, caches, the trail itself, and the
# gateways' own records (their effects reach audited tables).
NOT_AUDITED = frozenset(
    {
        "audit_events",
        "events",
        "outbox_messages",
        "receipt_counters",
        # Issued by the payment's own transaction: its ledger entry's audit row names it.
        "receipts",
        "login_failures",
        "card_save_attempts",
        "recharge_intents",
        "gateway_events",
        "gateway_job_leases",
        "sandbox_cards",
        "sandbox_charges",
        "stripe_customers",
        "stripe_payments",
    }
)

# Ledger kinds recorded elsewhere (see the module's docstring).
_LEDGER_KINDS_NOT_AUDITED = frozenset({"usage"})


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _values(row: Base, audited: Audited, keys: set[str] | None = None) -> dict[str, Any]:
    state = inspect(row)
    shown: dict[str, Any] = {}
    for attribute in state.mapper.column_attrs:
        key = attribute.key
        if key in audited.hidden or (keys is not None and key not in keys):
            continue
        shown[key] = _plain(state.attrs[key].value)
    return shown


def _changed(row: Base, audited: Audited) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(row)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attribute in state.mapper.column_attrs:
        key = attribute.key
        history = state.attrs[key].history
        if not history.has_changes() or key in audited.hidden:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old != new:
            before[key], after[key] = _plain(old), _plain(new)
    return before, after


def _account_of(session: Session, row: Base, actor: Actor) -> str | None:
    if isinstance(row, Account):
        return row.id
    account_id = getattr(row, "account_id", None)
    if isinstance(account_id, str):
        return account_id
    user_id = getattr(row, "user_id", None)
    if isinstance(user_id, str):
        # On the flush's connection: a query through the session would flush again.
        found = session.connection().execute(select(User.account_id).where(User.id == user_id))
        return found.scalar_one_or_none()
    return actor.account_id


def _object_id(row: Base) -> str:
    key = inspect(row).mapper.primary_key_from_instance(row)
    return ",".join(str(part) for part in key)


def _row(
    session: Session, row: Base, audited: Audited, change: str, before: Any, after: Any
) -> dict[str, Any]:
    actor = current_actor()
    return {
        "account_id": _account_of(session, row, actor),
        "at": utcnow(),
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "actor_label": actor.label,
        "address": actor.address,
        "action": f"{audited.name}.{change}",
        "object_id": _object_id(row),
        "before": None if before is None else json.dumps(before, separators=(",", ":")),
        "after": None if after is None else json.dumps(after, separators=(",", ":")),
    }


def _rows_of_flush(session: Session) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for row in session.new:
        audited = AUDITED.get(getattr(row, "__tablename__", ""))
        if audited is None or "created" not in audited.changes:
            continue
        if audited.name == "ledger" and getattr(row, "kind", None) in _LEDGER_KINDS_NOT_AUDITED:
            continue
        rows.append(_row(session, row, audited, "created", None, _values(row, audited)))
    for row in session.dirty:
        audited = AUDITED.get(getattr(row, "__tablename__", ""))
        if audited is None or "updated" not in audited.changes:
            continue
        before, after = _changed(row, audited)
        if not set(after) - audited.bookkeeping:
            continue
        rows.append(_row(session, row, audited, "updated", before, after))
    for row in session.deleted:
        audited = AUDITED.get(getattr(row, "__tablename__", ""))
        if audited is None or "deleted" not in audited.changes:
            continue
        rows.append(_row(session, row, audited, "deleted", _values(row, audited), None))
    return rows


@event.listens_for(Session, "after_flush")
def _record(session: Session, _flush: UOWTransaction) -> None:
    # After the flush, new rows have their ids and defaults, and each change's history is still
    # there; the insert goes out on the flush's own connection, inside its transaction.
    rows = _rows_of_flush(session)
    if rows:
        session.connection().execute(insert(AuditEvent), rows)

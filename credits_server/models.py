"""Tables. Money columns are integer minor units; the currency lives on the account."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL gets a real BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Stored as UTC; always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    # Kept equal to the sum of the account's ledger entries by its writers (see ledger.py).
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # On PostgreSQL, moved by every transaction that takes the account's lock to write
    # (ledger.lock_account, the usage debit's writes): a process's usage debit writes in one
    # statement, without the lock, while it is still the version its own last commit left
    # (services/usage_debit_optimistic.py). Not kept on SQLite, which has no such path.
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Set by an operator: the user cannot sign in and their sessions stop working until cleared.
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class SessionToken(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Where the session is used, for its user's Sessions list (written at most once a minute).
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    client_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")


class Invitation(Base):
    """An invitation to join an account with a role. Only the code's hash is kept; it is used
    once (`accepted_at`), by the email it was sent to, before `expires_at`. `message_id` is the
    outbox message that emails the code to the invitee (None when the server sends no email)."""

    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(10))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(40), nullable=True)


class LoginFailure(Base):
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_email_at", "email", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CardSaveAttempt(Base):
    """A card sent to the gateway to be saved, refused or not (the card-saving limit counts
    these; rows older than the window are pruned when the account tries again)."""

    __tablename__ = "card_save_attempts"
    __table_args__ = (Index("ix_card_save_attempts_account_id_at", "account_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LedgerEntry(Base):
    """Append-only. `reference` makes a credit or debit happen at most once (topup:<id>, ...)."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("account_id", "reference", name="uq_ledger_entries_account_reference"),
        Index("ix_ledger_entries_account_id_id", "account_id", "id"),
        # The History filter (GET /v1/account/transactions?kind=): newest first within one kind.
        Index("ix_ledger_entries_account_id_kind_id", "account_id", "kind", "id"),
        # The daily balances (GET /v1/account/daily-balances): the last entry before a moment.
        Index("ix_ledger_entries_account_id_created_at_id", "account_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(String(300), default="")
    reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PaymentMethod(Base):
    """A saved card: only the gateway's token, brand, last 4 and expiry. Never the number."""

    __tablename__ = "payment_methods"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    gateway_token: Mapped[str] = mapped_column(String(100))
    brand: Mapped[str] = mapped_column(String(20))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int] = mapped_column(Integer)
    exp_year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Topup(Base):
    """A payment intent, persisted before the gateway is called. `kind` is topup|auto_recharge."""

    __tablename__ = "topups"
    __table_args__ = (
        UniqueConstraint("account_id", "idempotency_key", name="uq_topups_account_key"),
        Index("ix_topups_status", "status"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(20), default="topup")
    idempotency_key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20))
    failure_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    failure_message: Mapped[str | None] = mapped_column(String(300), nullable=True)
    payment_method_id: Mapped[str | None] = mapped_column(
        ForeignKey("payment_methods.id"), nullable=True
    )
    # What was charged, kept for one-off cards that were not saved (no number, ever).
    gateway_token: Mapped[str] = mapped_column(String(100))
    card_brand: Mapped[str] = mapped_column(String(20))
    card_last4: Mapped[str] = mapped_column(String(4))
    card_exp_month: Mapped[int] = mapped_column(Integer)
    card_exp_year: Mapped[int] = mapped_column(Integer)
    card_name: Mapped[str] = mapped_column(String(200), default="")
    save_card: Mapped[bool] = mapped_column(Boolean, default=False)
    gateway_charge_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    ledger_entry_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    balance_after: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AutoRechargeSettings(Base):
    __tablename__ = "auto_recharge_settings"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    mode: Mapped[str] = mapped_column(String(20), default="add")
    threshold: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    target: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    payment_method_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    backup_payment_method_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    daily_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    monthly_cap: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    last_attempt_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    last_attempt_failure_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # "failures" when the recharge engine switched it off (a manual top-up turns it back on).
    disabled_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The ETag: bumped by every write, compared with If-Match.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SupportRequest(Base):
    """`idempotency_key` (optional, unique per account): a repeat of the key answers this row."""

    __tablename__ = "support_requests"
    __table_args__ = (
        UniqueConstraint("account_id", "idempotency_key", name="uq_support_requests_account_key"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    message: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    request_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ApiKey(Base):
    """A service credential of the telephony platform (POST /v1/usage). Only its hash is kept."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(20), default="usage", server_default="usage")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class RechargeIntent(Base):
    """One threshold crossing to recharge, persisted in the debit's own transaction.

    `open_account_id` equals `account_id` while the intent is open and is NULL once closed: its
    unique constraint allows one open intent per account (NULLs never collide). A worker claims
    it with a conditional UPDATE of `claimed_by`/`claimed_at` (a lease, renewed while it works);
    `topup_id` is the attempt in flight, whose id is the gateway's idempotency key.
    """

    __tablename__ = "recharge_intents"
    __table_args__ = (
        UniqueConstraint("open_account_id", name="uq_recharge_intents_open_account_id"),
        Index("ix_recharge_intents_status_next", "status", "next_attempt_at"),
        Index("ix_recharge_intents_account_id_created_at", "account_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    open_account_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    card_index: Mapped[int] = mapped_column(Integer, default=0)
    topup_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Event(Base):
    """What GET /v1/events streams. `seq` increases per account (taken under the account's lock),
    so a reader that has seen seq N has seen every earlier event of that account."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("account_id", "seq", name="uq_events_account_seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SshKey(Base):
    """An SSH public key its user signs in with through `credits-tui serve-ssh`. A key belongs to
    one user at most: the fingerprint (OpenSSH's SHA256 form) is unique."""

    __tablename__ = "ssh_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    public_key: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PaymentLink(Base):
    """A link to the secure payment page for one top-up of `amount`. Only the token's SHA-256 is
    kept (the link is shown once, when made). `status`: open, paying (a try is in flight or
    waits for 3-D Secure), paid, expired (stored when the server noticed; an open link past
    `expires_at` reads as expired anyway). Each try on the page is a top-up under the key
    `payment-link:<id>:<try>`; `topup_id` is the latest, the paid one once paid."""

    __tablename__ = "payment_links"
    __table_args__ = (
        UniqueConstraint("account_id", "idempotency_key", name="uq_payment_links_account_key"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The page's form secret (CSRF): a POST to the page must carry it.
    form_secret: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    save_card: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="open")
    tries: Mapped[int] = mapped_column(Integer, default=0)
    topup_id: Mapped[str | None] = mapped_column(ForeignKey("topups.id"), nullable=True)
    last_failure_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    last_failure_message: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class NotificationTarget(Base):
    """Where an account's notifications go: an email address or a webhook endpoint, with the
    notification kinds it wants (a JSON list); or, channel `direct`, the address of one email
    to someone outside the account's targets (an invitee), which wants no kind. `secret` signs
    the webhook's requests, so it is kept as is. `failing_since` is the first failure since the
    last success; a target failing for long is switched off (`enabled` false, `disabled_reason`
    says why). `claimed_by` and `claimed_at` are the lease of the worker delivering its messages
    (one at a time, in order)."""

    __tablename__ = "notification_targets"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str | None] = mapped_column(String(100), nullable=True)
    kinds: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    failing_since: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class OutboxMessage(Base):
    """One notification to one target, written in the transaction of its cause. `id` is the
    message's stable id (receivers de-duplicate by it); `status` is
    pending|delivered|dead|cancelled. A target's messages are delivered in `seq` order (the id
    column), one at a time. `secret` is the part of a message that must not outlive its delivery
    (an invitation's code): the database refuses it on a message no longer pending. A message
    still pending at `expires_at` is cancelled, never sent."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(
            "secret IS NULL OR status = 'pending'", name="ck_outbox_messages_secret_pending"
        ),
        Index("ix_outbox_messages_target_status_seq", "target_id", "status", "seq"),
        Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),
        Index("ix_outbox_messages_account_status", "account_id", "status"),
    )

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    target_id: Mapped[str] = mapped_column(ForeignKey("notification_targets.id"))
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    secret: Mapped[str | None] = mapped_column(Text, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ReceiptCounter(Base):
    """The last receipt number of each seller. Taken with an UPDATE (a row lock until commit) in
    the transaction that credits the payment, so a rolled-back credit leaves no gap."""

    __tablename__ = "receipt_counters"

    seller: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_number: Mapped[int] = mapped_column(BigInteger, default=0)


class Receipt(Base):
    """One succeeded top-up or auto-recharge, numbered per seller. What it shows is copied in
    when it is issued: a receipt never changes when the seller's settings or the account do."""

    __tablename__ = "receipts"
    __table_args__ = (
        UniqueConstraint("seller", "number", name="uq_receipts_seller_number"),
        UniqueConstraint("topup_id", name="uq_receipts_topup_id"),
        UniqueConstraint("ledger_entry_id", name="uq_receipts_ledger_entry_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    topup_id: Mapped[str] = mapped_column(String(40))
    ledger_entry_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))
    seller: Mapped[str] = mapped_column(String(200))
    number: Mapped[int] = mapped_column(BigInteger)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    card_brand: Mapped[str] = mapped_column(String(20))
    card_last4: Mapped[str] = mapped_column(String(4))
    account_name: Mapped[str] = mapped_column(String(200))
    seller_address: Mapped[str] = mapped_column(String(500), default="")
    seller_tax_id: Mapped[str] = mapped_column(String(100), default="")
    tax_label: Mapped[str] = mapped_column(String(40), default="")
    # None: no tax line. Basis points (2000 = 20%); the tax is included in `amount`.
    tax_rate_basis_points: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tax_amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class AuditEvent(Base):
    """One change someone made, written by the change's own flush (credits_server/audit.py).
    Append-only; `before`/`after` are JSON of the changed columns, never secrets or card numbers.
    `account_id` is NULL for changes of the service itself (API keys)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_account_id_id", "account_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    actor_label: Mapped[str] = mapped_column(String(320), default="")
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str] = mapped_column(String(100))
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)


class PasswordReset(Base):
    """A one-time code an operator gave a user to set a new password; kept as SHA-256, used once,
    refused after `expires_at`."""

    __tablename__ = "password_resets"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

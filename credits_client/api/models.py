"""Typed payloads of the credits API (see docs/CONTRACT.md). Amounts are integer minor units."""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, SecretStr

from credits_core.auto_recharge import AutoRechargeFields

Role = Literal["owner", "billing", "viewer"]
TransactionKind = Literal["topup", "auto_recharge", "usage", "adjustment", "refund"]
TopupStatus = Literal["succeeded", "failed", "requires_action", "processing"]
UsageKind = Literal["call", "sms", "other"]
PaymentPage = Literal["offered", "only", "off"]
PaymentLinkStatus = Literal["open", "paid", "expired"]

T = TypeVar("T")


class Model(BaseModel):
    """Answers from the server: frozen, and tolerant of fields a newer server adds."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Page(Model, Generic[T]):
    data: list[T]
    next_cursor: str | None = None


class DemoCredentials(Model):
    email: str
    password: str


class ServerInfo(Model):
    version: str
    demo: DemoCredentials | None = None


class PaymentConfig(Model):
    """Where the app sends a typed card: the gateway's tokenization endpoint (relative: on the
    credits server), with the gateway's publishable key."""

    gateway: str
    publishable_key: str
    tokenization_url: str
    payment_page: PaymentPage = "off"
    """The secure payment page beside the card form ("offered"), instead of it ("only"), or
    not at all ("off", also from a server that does not say)."""


class User(Model):
    id: str
    email: str
    role: Role
    account_id: str


class Session(Model):
    token: SecretStr
    expires_at: datetime
    user: User


class Account(Model):
    id: str
    name: str
    currency: str
    balance: int
    low_balance: bool
    low_balance_level: int


class Transaction(Model):
    id: str
    kind: TransactionKind
    amount: int
    balance_after: int
    created_at: datetime
    description: str
    receipt_id: str | None = None
    """The payment's receipt (top-ups and auto-recharges)."""


class ReceiptLine(Model):
    label: str
    value: str


class Receipt(Model):
    """A payment's receipt as issued: `lines` what it shows, `text` the same as plain text."""

    id: str
    number: int
    issued_at: datetime
    kind: TransactionKind
    amount: int
    currency: str
    topup_id: str
    lines: list[ReceiptLine]
    text: str


class DailyBalance(Model):
    date: date
    balance: int


class DailyBalances(Model):
    """The balance at the close of each day of a period, oldest first."""

    currency: str
    data: list[DailyBalance]


class TopupOptions(Model):
    currency: str
    presets: list[int]
    min: int
    max: int


class PaymentMethod(Model):
    id: str | None
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    name: str = ""
    is_default: bool = False
    created_at: datetime | None = None


class CardInput(BaseModel):
    """A card as typed. Sent once to the payment gateway (never to credits-server); never stored,
    logged or shown again."""

    model_config = ConfigDict(frozen=True, hide_input_in_errors=True)

    number: SecretStr
    exp_month: int
    exp_year: int
    cvc: SecretStr
    name: str = ""


class SaveCard(BaseModel):
    """A card to save, as the gateway's token for it (POST /v1/payment-methods)."""

    card_token: str
    name: str = ""


class Topup(Model):
    id: str
    amount: int
    currency: str
    status: TopupStatus
    failure_code: str | None = None
    failure_message: str | None = None
    action_url: str | None = None
    payment_method: PaymentMethod | None = None
    balance_after: int | None = None
    created_at: datetime


class LinkFailure(Model):
    """Why the last try on a payment link's page was declined (the link stays open)."""

    code: str
    message: str


class PaymentLink(Model):
    """A single-use link to the secure payment page for one top-up; `url` is what the person
    opens (on a phone or a laptop), in the answer that made it only (the server keeps a hash of
    its token); `topup` the top-up once paid."""

    id: str
    url: str | None = None
    amount: int
    currency: str
    status: PaymentLinkStatus
    expires_at: datetime
    topup: Topup | None = None
    last_failure: LinkFailure | None = None
    created_at: datetime


class AutoRechargeBounds(Model):
    threshold_min: int
    threshold_max: int
    amount_min: int
    amount_max: int
    step: int


class AutoRechargeAttempt(Model):
    status: str
    failure_code: str | None = None
    at: datetime


class AutoRechargeUpdate(AutoRechargeFields, BaseModel):
    """The writable part of the auto-recharge settings (credits_core.auto_recharge's fields);
    also the screen's unsaved draft."""

    model_config = ConfigDict(frozen=True)


class AutoRecharge(AutoRechargeFields, Model):
    disabled_reason: str | None = None
    last_attempt: AutoRechargeAttempt | None = None
    bounds: AutoRechargeBounds

    def as_update(self) -> AutoRechargeUpdate:
        """The writable part, as the auto-recharge screen edits it (its fields decide which)."""
        writable = set(AutoRechargeUpdate.model_fields)
        return AutoRechargeUpdate.model_validate(self.model_dump(include=writable))


class SupportRequest(Model):
    id: str
    reference: str
    amount: int
    currency: str
    message: str
    contact: str
    status: Literal["open", "closed"]
    created_at: datetime
    answer: str | None = None
    answered_at: datetime | None = None


class ActivityItem(Model):
    """One row of the account's audit trail: who did what, when, from where."""

    id: str
    at: datetime
    action: str
    actor_kind: str
    actor: str
    address: str | None = None
    object_id: str
    before: dict[str, object] | None = None
    after: dict[str, object] | None = None


class Event(Model):
    """One server-sent event; `id` orders events of one account and resumes the stream."""

    id: int
    type: str
    created_at: datetime
    data: dict[str, object]


class FieldError(Model):
    field: str
    code: str
    message: str


class Problem(Model):
    """An RFC 9457 problem document as the server sends it."""

    type: str = "about:blank"
    title: str = ""
    status: int
    detail: str | None = None
    code: str = "error"
    errors: list[FieldError] = []
    request_id: str | None = None


class SshKey(Model):
    """A public key its user signs in with through `credits-tui serve-ssh`."""

    id: str
    fingerprint: str
    comment: str
    created_at: datetime


class NotificationTarget(Model):
    """Where the account's notifications go: an email address or a webhook endpoint."""

    id: str
    channel: str
    address: str
    events: list[str]
    enabled: bool
    disabled_reason: str | None = None
    created_at: datetime


class NewNotificationTarget(NotificationTarget):
    secret: str | None = None
    """A webhook's signing secret: in this answer only, never again."""


class DeadLetter(Model):
    """A notification given up on after days of failed deliveries."""

    id: str
    type: str
    target_id: str
    address: str
    attempts: int
    last_error: str | None = None
    created_at: datetime


class Member(Model):
    """A user of the account, as its owners see the team."""

    id: str
    email: str
    role: Role
    created_at: datetime


class Invitation(Model):
    """An invitation neither accepted nor expired. `emailed`: where the email with its code is
    (queued, sent, failed); None when the server sends no email."""

    id: str
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime
    emailed: Literal["queued", "sent", "failed"] | None = None


class NewInvitation(Invitation):
    """An invitation as made: its one-time code and link are in this answer only."""

    code: str
    link: str


class Team(Model):
    members: list[Member]
    invitations: list[Invitation]


class SignedIn(Model):
    """A session of the signed-in user: where and when, never its token."""

    id: str
    created_at: datetime
    last_used_at: datetime | None = None
    client_address: str = ""
    user_agent: str = ""
    current: bool = False

"""Request and response bodies as served (docs/CONTRACT.md); amounts are integer minor units.

Below the services, so the representations built from rows (credits_server.representations) are
the same for an API answer and an event payload.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints

from credits_core.auto_recharge import LARGEST_NUMBER, AutoRechargeFields

T = TypeVar("T")
Strict = ConfigDict(extra="forbid")
# Money arrives as a JSON integer: never a float, never a string, and no larger than the columns
# hold (credits_core.auto_recharge.Number, the same rule for the auto-recharge fields).
MinorUnits = Field(strict=True, ge=-LARGEST_NUMBER, le=LARGEST_NUMBER)


class Page(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: str | None = None


class DemoCredentials(BaseModel):
    email: str
    password: str


class ServerInfo(BaseModel):
    version: str
    demo: DemoCredentials | None = None


class Liveness(BaseModel):
    status: Literal["alive"] = "alive"


class Readiness(BaseModel):
    status: Literal["ready"] = "ready"
    schema_revision: str
    """The database's migration revision, the head of the migrations this server ships."""


class LoginBody(BaseModel):
    model_config = Strict
    email: str = Field(max_length=320)
    password: SecretStr = Field(max_length=1024)


class UserOut(BaseModel):
    id: str
    email: str
    role: Literal["owner", "billing", "viewer"]
    account_id: str


class SessionOut(BaseModel):
    token: str
    expires_at: datetime
    user: UserOut


class SshKeyBody(BaseModel):
    model_config = Strict
    public_key: str = Field(max_length=8192)


class SshKeyOut(BaseModel):
    id: str
    fingerprint: str
    comment: str
    created_at: datetime


class KnownKeyOut(BaseModel):
    known: bool


class AccountOut(BaseModel):
    id: str
    name: str
    currency: str
    balance: int
    low_balance: bool
    low_balance_level: int


LedgerKind = Literal["topup", "auto_recharge", "usage", "adjustment", "refund"]


class TransactionOut(BaseModel):
    id: str
    kind: LedgerKind
    amount: int
    balance_after: int
    created_at: datetime
    description: str
    receipt_id: str | None = None
    """The payment's receipt (GET /v1/receipts/{id}); top-ups and auto-recharges only."""


class ReceiptLine(BaseModel):
    label: str
    value: str


class ReceiptOut(BaseModel):
    """A receipt as issued; `lines` is what it shows, `text` the same as plain text."""

    id: str
    number: int
    issued_at: datetime
    kind: LedgerKind
    amount: int
    currency: str
    tax_amount: int | None
    tax_rate_basis_points: int | None
    card_brand: str
    card_last4: str
    account_name: str
    seller_name: str
    topup_id: str
    transaction_id: str
    lines: list[ReceiptLine]
    text: str


class DailyBalanceOut(BaseModel):
    date: date
    balance: int


class DailyBalancesOut(BaseModel):
    """The balance at the close of each day of a period, oldest first."""

    currency: str
    data: list[DailyBalanceOut]


class TopupOptionsOut(BaseModel):
    currency: str
    presets: list[int]
    min: int
    max: int


# The payment-method id the app got from the gateway's tokenization endpoint: never card data.
CardToken = Annotated[str, StringConstraints(max_length=255, pattern=r"^[A-Za-z0-9_]+$")]


class SaveCardBody(BaseModel):
    """A card to save, as the gateway's token for it (the app tokenized it there)."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, strict=True)
    card_token: CardToken
    name: str = Field(default="", max_length=200)


class PaymentConfigOut(BaseModel):
    """Where the app sends a typed card (never to credits-server): the gateway's tokenization
    endpoint (relative to this server for the sandbox), with the publishable key."""

    gateway: str
    publishable_key: str
    tokenization_url: str
    payment_page: Literal["offered", "only", "off"] = "offered"
    """The secure payment page: beside the card form, the only way to pay, or not offered."""


class PaymentMethodOut(BaseModel):
    id: str | None
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    name: str = ""
    is_default: bool = False
    created_at: datetime | None = None


class TopupBody(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, strict=True)
    amount: int = MinorUnits
    payment_method_id: str | None = Field(default=None, max_length=40)
    card_token: CardToken | None = None
    save_card: bool = False


class TopupOut(BaseModel):
    id: str
    amount: int
    currency: str
    status: Literal["succeeded", "failed", "requires_action", "processing"]
    failure_code: str | None = None
    failure_message: str | None = None
    action_url: str | None = None
    payment_method: PaymentMethodOut | None = None
    balance_after: int | None = None
    created_at: datetime


class PaymentLinkBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    amount: int = MinorUnits
    save_card: bool = False


class PaymentLinkFailure(BaseModel):
    code: str
    message: str


class PaymentLinkOut(BaseModel):
    """A link to the secure payment page. `url` holds the link's secret token, so it is given
    only in the answers of POST /v1/payment-links (null in GET and in events): the server keeps
    the token's hash alone. `status` is `expired` once `expires_at` has passed unpaid."""

    id: str
    url: str | None
    amount: int
    currency: str
    status: Literal["open", "paid", "expired"]
    expires_at: datetime
    save_card: bool = False
    topup: TopupOut | None = None
    last_failure: PaymentLinkFailure | None = None
    created_at: datetime


class AutoRechargeBounds(BaseModel):
    threshold_min: int
    threshold_max: int
    amount_min: int
    amount_max: int
    step: int


class AutoRechargeAttempt(BaseModel):
    status: str
    failure_code: str | None = None
    at: datetime


class AutoRechargeBody(AutoRechargeFields, BaseModel):
    # The fields, their types, defaults and limits: credits_core.auto_recharge. Strict: 0 is
    # not `false`, "5" is not 5.
    model_config = ConfigDict(extra="forbid", strict=True)


class AutoRechargeOut(AutoRechargeFields, BaseModel):
    # Every field is always sent, defaults included: the document says each is required.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)
    disabled_reason: str | None
    last_attempt: AutoRechargeAttempt | None
    bounds: AutoRechargeBounds


class SupportBody(BaseModel):
    model_config = Strict
    amount: int = Field(strict=True, ge=1, le=LARGEST_NUMBER)
    message: str = Field(max_length=2000)
    contact: str = Field(min_length=1, max_length=320)


class SupportOut(BaseModel):
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


class ActivityOut(BaseModel):
    """One audit trail row: who did what, when, from where, with the values before and after."""

    id: str
    at: datetime
    action: str
    actor_kind: Literal["user", "api_key", "operator", "system"]
    actor: str
    address: str | None
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class PasswordResetBody(BaseModel):
    model_config = Strict
    code: str = Field(min_length=1, max_length=40)
    email: str = Field(max_length=320)
    password: SecretStr = Field(max_length=1024)


class ProblemField(BaseModel):
    field: str
    code: str
    message: str


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str | None = None
    code: str
    errors: list[ProblemField] = []
    request_id: str | None = None

"""The one account state every screen reads. Frozen: the store replaces it whole on each change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from credits_core.roles import Permission, may, refusal

if TYPE_CHECKING:
    # Types only: the login screen must paint before pydantic is imported.
    from credits_client.api.models import (
        Account,
        ActivityItem,
        AutoRecharge,
        AutoRechargeUpdate,
        DailyBalances,
        PaymentLink,
        PaymentMethod,
        PaymentPage,
        ServerInfo,
        SupportRequest,
        TopupOptions,
        Transaction,
        User,
    )


Connection = Literal["connecting", "online", "reconnecting", "offline"]
Operation = Literal[
    "connect",
    "login",
    "logout",
    "refresh",
    "top_up",
    "save_auto_recharge",
    "support",
    "history",
    "cards",
    "payment_link",
    "activity",
]


@dataclass(frozen=True, slots=True)
class FilteredHistory:
    """History of one kind, as the History screen's filter asked for it, newest first."""

    kind: str
    transactions: tuple[Transaction, ...] = ()
    cursor: str | None = None
    complete: bool = False


@dataclass(frozen=True, slots=True)
class ActivityTrail:
    """The account's audit trail as the Activity screen asked for it: the actions starting with
    `kind` (None: every action), newest first."""

    kind: str | None = None
    items: tuple[ActivityItem, ...] = ()
    cursor: str | None = None
    complete: bool = False


@dataclass(frozen=True, slots=True)
class AccountState:
    api_url: str = ""
    server: ServerInfo | None = None
    connection: Connection = "connecting"
    user: User | None = None
    session_expired: bool = False
    account: Account | None = None
    topup_options: TopupOptions | None = None
    payment_methods: tuple[PaymentMethod, ...] = ()
    auto_recharge: AutoRecharge | None = None
    auto_recharge_etag: str | None = None
    # The unsaved edit of the auto-recharge screen: kept here so a 401 or a reload does not lose it.
    auto_recharge_draft: AutoRechargeUpdate | None = None
    # Every kind, newest first: what the dashboard shows and History shows unfiltered.
    transactions: tuple[Transaction, ...] = ()
    transactions_cursor: str | None = None
    transactions_complete: bool = False
    # History filtered by kind, kept apart so a filter never changes what other screens show.
    history_filter: FilteredHistory | None = None
    # The audit trail while the Activity screen shows it (owners only).
    activity: ActivityTrail | None = None
    trend: DailyBalances | None = None
    support_requests: tuple[SupportRequest, ...] = ()
    # The link to the secure payment page made last, followed until it is paid or expires.
    payment_link: PaymentLink | None = None
    # Whether the server offers its secure payment page (None until its payment config is read).
    payment_page: PaymentPage | None = None
    in_flight: frozenset[Operation] = field(default_factory=frozenset)
    last_event_id: int | None = None
    # The server's event stream is connected: balance changes arrive without a refresh.
    live_events: bool = False

    @property
    def signed_in(self) -> bool:
        return self.user is not None and not self.session_expired

    def may(self, permission: Permission) -> bool:
        """Whether the signed-in user's role allows `permission` (credits_core.roles)."""
        return self.user is not None and may(self.user.role, permission)

    def refusal(self, permission: Permission) -> str | None:
        """Why the signed-in user may not do this, in one line; None when they may."""
        if self.user is None or self.may(permission):
            return None
        return refusal(self.user.role, permission)

    @property
    def default_payment_method(self) -> PaymentMethod | None:
        for method in self.payment_methods:
            if method.is_default:
                return method
        return self.payment_methods[0] if self.payment_methods else None

    def payment_method(self, method_id: str | None) -> PaymentMethod | None:
        return next((m for m in self.payment_methods if m.id == method_id), None)

    def busy(self, operation: Operation) -> bool:
        return operation in self.in_flight

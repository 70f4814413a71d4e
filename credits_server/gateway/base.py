"""What the credits service needs from a payment gateway (shaped after Stripe's API)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from credits_core.declines import decline_text
from credits_server.db import Database
from credits_server.settings import Settings

if TYPE_CHECKING:
    from datetime import datetime

    from fastapi import APIRouter, Request

    from credits_server.context import Context
    from credits_server.gateway.events import GatewayEvent
    from credits_server.schemas import TopupOut

    # The credits server's side of 3-D Secure, handed to a gateway's routes by the app: finish
    # the top-up with the customer's answer (approved or not), and answer with it.
    FinishAuthentication = Callable[[Request, str, bool], Awaitable[TopupOut]]

ChargeStatus = Literal["succeeded", "failed", "requires_action"]


def failure_message(code: str | None) -> str | None:
    """The words for a failure code (credits_core's decline table); None when nothing failed."""
    return None if code is None else decline_text(code)


@dataclass(frozen=True, slots=True)
class SavedCard:
    """The gateway's token for a card, and what may be shown of it."""

    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    name: str = ""


@dataclass(frozen=True, slots=True)
class PaymentConfig:
    """What the app needs to hand a card to the gateway itself (public, served to the app):
    the card goes to `tokenization_url` (relative: on the credits server) with the publishable
    key, and credits-server only ever receives the payment-method id that comes back."""

    gateway: str
    publishable_key: str
    tokenization_url: str


@dataclass(frozen=True, slots=True)
class ChargeResult:
    charge_id: str
    status: ChargeStatus
    failure_code: str | None = None
    # The customer's 3-D Secure page when `requires_action`, when the gateway gives one.
    action_url: str | None = None

    @property
    def failure_message(self) -> str | None:
        return failure_message(self.failure_code)


PageState = Literal["open", "confirming", "processing", "paid"]


@dataclass(frozen=True, slots=True)
class PageView:
    """A payment link as its payment page may show it: what is paid for and by whom (the
    account's name, nothing else of it), and where the page stands. `form_secret` goes in the
    page's forms (CSRF); `failure_message` is the last try's decline in plain words."""

    link_id: str
    account_id: str
    account_name: str
    amount: int
    currency: str
    save_card: bool
    expires_at: datetime
    form_secret: str
    state: PageState
    failure_message: str | None = None
    card_label: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentPages:
    """The credits server's side of a gateway's payment page, handed to its routes by the app
    (a gateway's folder never imports the services). Each takes the link's token; each raises
    the services' NotFound (no such link) or Gone (paid with, or expired)."""

    view: Callable[[Context, str], Awaitable[PageView]]
    pay: Callable[[Context, str, str], Awaitable[PageView]]
    """Pay the link with a card token the gateway made on its page; the outcome."""
    confirm: Callable[[Context, str, bool], Awaitable[PageView]]
    """The customer's 3-D Secure answer for the link's waiting try."""


@dataclass(frozen=True, slots=True)
class ServerHooks:
    """What the credits server hands a gateway's routes."""

    finish_authentication: FinishAuthentication
    payment_pages: PaymentPages


@dataclass(frozen=True, slots=True)
class CheckoutOutcome:
    """A payment the gateway took on its own hosted page, once paid: its charge and the card."""

    charge_id: str
    card: SavedCard


class CardRefused(Exception):
    """The gateway would not accept the card for saving (a decline code, as Stripe gives)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class PaymentGateway(Protocol):
    def public_config(self) -> PaymentConfig:
        """Where the app tokenizes a card, and with which publishable key."""
        ...

    async def describe(self, token: str) -> SavedCard:
        """The card behind a payment-method id the app got from the gateway; CardRefused
        (`invalid_payment_method`) when the gateway does not know it."""
        ...

    async def save_for_future(self, token: str, *, customer: str) -> SavedCard:
        """Set the card up for later off-session charges (a SetupIntent), raising CardRefused
        when the issuer refuses it."""
        ...

    async def mark_set_up(self, token: str) -> None:
        """A one-off card that was charged with authentication is now saved for future use."""
        ...

    async def charge(
        self,
        *,
        token: str,
        amount: int,
        currency: str,
        idempotency_key: str,
        customer: str,
        off_session: bool = False,
        save_for_future: bool = False,
    ) -> ChargeResult:
        """Charge once per idempotency key: a repeat returns the first result, no new charge.
        `off_session`: nobody is there to authenticate (auto-recharge); a charge that needs
        it fails with `authentication_required`. `save_for_future`: the card is to be saved
        for later off-session charges once paid with."""
        ...

    async def retrieve(self, idempotency_key: str) -> ChargeResult | None:
        """The charge made with this key, if any (how an interrupted payment learns its fate)."""
        ...

    async def refresh(self, charge_id: str) -> ChargeResult:
        """The charge's state now (a `requires_action` one may have been finished meanwhile)."""
        ...

    async def authenticate(self, charge_id: str, *, approve: bool) -> ChargeResult:
        """Finish a `requires_action` charge (the customer passed or failed 3-D Secure)."""
        ...

    def authentication_url(self, base_url: str, charge_reference: str) -> str:
        """The page where the customer finishes 3-D Secure for the charge made with this
        idempotency key; `base_url` is where the credits server is reached."""
        ...

    async def checkout_outcome(self, session_id: str) -> CheckoutOutcome | None:
        """A payment on the gateway's hosted page as the gateway tells it now: None unless it
        is paid (a gateway without a hosted page knows none)."""
        ...

    async def webhook_event(self, payload: bytes, signature: str | None) -> GatewayEvent:
        """A webhook delivery, its signature checked, read as the service's event; BadSignature
        when it is not the gateway's (a gateway without webhooks refuses every delivery)."""
        ...


@dataclass(frozen=True, slots=True)
class GatewayPlugin:
    """A gateway as the registry knows it: how to make one, and the routes it serves on the
    credits server (imported only when the app is built)."""

    make: Callable[[Settings, Database], PaymentGateway]
    routes: Callable[[ServerHooks], APIRouter] | None = None
    # A path on the credits server that takes card data (the sandbox's tokenization endpoint),
    # and a prefix of such paths (its payment page): the only ones the card-data guard lets a
    # card number through to.
    card_path: str | None = None
    card_path_prefix: str | None = None

"""AccountStore: the one facade screens use, composed of the store's parts.

Plain Python and asyncio (no Textual): it holds a frozen `AccountState`, replaces it whole on every
change and calls its subscribers; the app bridges that into a Textual reactive. Screens ask it to
act; each action is carried out by the part that owns it:

- `holder.StateHolder`: the state, its subscribers, the operations in flight;
- `link.Link`: every call to the server, the connection state, the offline probe, background tasks;
- `reads.Reads`: refresh, history pages, and the reloads that follow events and payments;
- `live.LiveUpdates`: the event stream, applied to the state as it arrives;
- `session.Session`: sign in and out, the remembered session;
- `payments.Payments`, `payment_links.PaymentLinks` (the secure payment page),
  `auto_recharge.AutoRechargeSettings`, `support.SupportRequests`;
- `activity.Activity`: the audit trail, page by page, into `state.activity`;
- `team.TeamMembers`, `team.SignedInSessions`, `ssh_keys.SshKeys`: asked afresh by their screens.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from credits_client.api.client import CreditsClient, ssl_verify
from credits_client.session_file import SessionFile
from credits_client.session_handoff import default_session_file
from credits_client.state import AccountState
from credits_client.store.activity import Activity
from credits_client.store.attempts import PendingAttempts
from credits_client.store.auto_recharge import AutoRechargeSettings
from credits_client.store.documents import Documents
from credits_client.store.holder import StateHolder, Unsubscribe
from credits_client.store.link import Link
from credits_client.store.live import LiveUpdates
from credits_client.store.notifications import Notifications
from credits_client.store.payment_links import PaymentLinks
from credits_client.store.payments import Payments
from credits_client.store.reads import Reads
from credits_client.store.session import ForgottenSession, Session, session_key
from credits_client.store.ssh_keys import SshKeys
from credits_client.store.support import SupportRequests
from credits_client.store.team import SignedInSessions, TeamMembers

if TYPE_CHECKING:
    from credits_client.api.models import (
        AutoRecharge,
        AutoRechargeUpdate,
        CardInput,
        Event,
        PaymentLink,
        PaymentMethod,
        SupportRequest,
        Topup,
    )
    from credits_client.config import Settings

# How long `connect` waits for the embedded server to start (normally a second or two). A server
# named by api_url gets no such wait: it answers within the client's retries or is down.
EMBEDDED_SERVER_START_WAIT = 30.0


class AccountStore:
    """State and actions of one signed-in person; every public coroutine may raise the typed errors
    of `credits_client.api.errors` (ApiError and subclasses, ServerUnreachable)."""

    def __init__(
        self,
        client: CreditsClient,
        *,
        server_key: str,
        api_url: str = "",
        session_file: SessionFile | None = None,
        connect_timeout: float = 30.0,
        poll_interval: float = 1.0,
        reconnect_delay: float = 1.0,
        embedded: bool = False,
    ) -> None:
        self.client = client
        self.embedded = embedded
        """On the embedded server, whose links (3-D Secure's) nothing outside the app can open."""
        holder = self._holder = StateHolder(AccountState(api_url=api_url))
        # A part reacts to a lost session or a server back online through these, which reach
        # parts built after it.
        link = self._link = Link(
            client,
            holder,
            reconnect_delay=reconnect_delay,
            session_lost=lambda: self._session.lost(),
            back_online=lambda: self._live.back_online(),
        )
        reads = self._reads = Reads(client, holder, link)
        self._live = LiveUpdates(
            client,
            holder,
            link,
            reads,
            reconnect_delay=reconnect_delay,
            session_lost=lambda: self._session.lost(),
        )
        attempts = PendingAttempts()
        self._session = Session(
            client,
            holder,
            link,
            reads=reads,
            live=self._live,
            attempts=attempts,
            server_key=server_key,
            session_file=session_file or default_session_file(),
            connect_timeout=connect_timeout,
        )
        self._payments = Payments(
            client, holder, link, reads=reads, attempts=attempts, poll_interval=poll_interval
        )
        self._links = PaymentLinks(client, holder, link, attempts=attempts)
        self._auto_recharge = AutoRechargeSettings(client, holder, link, reads=reads)
        self._support = SupportRequests(client, holder, link, attempts=attempts)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, base_url: str | None = None, uds: str | None = None
    ) -> AccountStore:
        """The store for `settings`; `base_url`/`uds` name the embedded server (api_url "")."""
        url = base_url if base_url is not None else settings.api_url
        tls = uds is None and url.startswith("https://")
        client = CreditsClient(
            url,
            uds=uds,
            timeout=settings.timeout,
            verify=ssl_verify(settings.verify, settings.ca_bundle) if tls else False,
        )
        return cls(
            client,
            server_key=session_key(settings),
            api_url=settings.api_url or "local server",
            connect_timeout=0.0 if settings.api_url else EMBEDDED_SERVER_START_WAIT,
            embedded=uds is not None,
        )

    def ssh_keys(self) -> SshKeys:
        """The signed-in person's SSH keys (the SSH keys screen)."""
        return SshKeys(self.client, self._link.net)

    def notifications(self) -> Notifications:
        """The account's notification targets and dead letters (the Notifications screen)."""
        return Notifications(self.client, self._link.net)

    def documents(self) -> Documents:
        """Receipts and the CSV export, saved as files (History, the receipt screen, the CLI)."""
        return Documents(self.client, self._link.net)

    def team(self) -> TeamMembers:
        """The account's members and invitations (the Team screen; owners)."""
        return TeamMembers(self.client, self._link.net)

    def sessions(self) -> SignedInSessions:
        """Where the signed-in person is signed in (the Sessions screen)."""
        return SignedInSessions(self.client, self._link.net)

    def activity(self) -> Activity:
        """The account's audit trail, page by page into `state.activity` (the Activity screen;
        owners)."""
        return Activity(self.client, self._holder, self._link.net)

    async def redeem_reset_code(self, code: str, email: str, password: str) -> None:
        """Set a new password with an operator's one-time reset code; sign in afterwards."""
        await self._link.net(self.client.redeem_reset_code(code, email, password))

    # --- observing -----------------------------------------------------------------------------
    @property
    def state(self) -> AccountState:
        """The current snapshot, replaced whole on every change."""
        return self._holder.state

    def subscribe(self, callback: Callable[[AccountState], None]) -> Unsubscribe:
        """Call `callback(state)` after every change; returns the function that stops it."""
        return self._holder.subscribe(callback)

    def subscribe_events(self, callback: Callable[[Event], None]) -> Unsubscribe:
        """Call `callback(event)` for each server event, after the state has absorbed it."""
        return self._holder.subscribe_events(callback)

    # --- the session ---------------------------------------------------------------------------
    async def connect(self) -> None:
        """Wait for the server, then resume a remembered session; "offline" instead of raising."""
        await self._session.connect()

    async def login(self, email: str, password: str, *, remember: bool) -> None:
        """Sign in. After a session expired, the same account keeps everything (drafts included)."""
        await self._session.login(email, password, remember=remember)

    async def accept_invitation(
        self, code: str, email: str, password: str, *, remember: bool
    ) -> None:
        """Join an account by its invitation code as a new user (email, new password), signed in."""
        await self._session.accept_invitation(code, email, password, remember=remember)

    async def logout(self) -> None:
        """Sign out here and on the server (best effort) and forget any remembered session."""
        await self._session.logout()

    async def forget_remembered_session(self, *, server_wait: float = 0.0) -> ForgottenSession:
        """For `credits-tui logout`: revoke the remembered token if possible, remove the file."""
        return await self._session.forget_remembered_session(server_wait=server_wait)

    # --- reading -------------------------------------------------------------------------------
    async def refresh(self) -> None:
        """Reload account, top-up options, cards, auto-recharge, support requests, first page."""
        await self._reads.refresh()

    async def load_more_transactions(self, kind: str | None = None) -> None:
        """Next page of history of `kind` (None = every kind); another kind than the filter's
        starts that filter over."""
        await self._reads.load_more_transactions(kind)

    async def filter_transactions(self, kind: str | None) -> None:
        """History of `kind` from its newest entry into `state.history_filter`, kept apart from
        the history every other screen shows (None drops the filter)."""
        await self._reads.filter_transactions(kind)

    def drop_filter(self) -> None:
        """Forget the History screen's filtered rows (the screen that asked for them is gone)."""
        self._holder.set(history_filter=None)

    async def load_trend(self, start: date, end: date) -> None:
        """The closing balance of each day from `start` to `end`, into `state.trend`."""
        await self._reads.trend(start, end)

    # --- paying --------------------------------------------------------------------------------
    async def top_up(
        self,
        amount: int,
        *,
        payment_method_id: str | None = None,
        card: CardInput | None = None,
        save_card: bool = False,
    ) -> Topup:
        """Pay, once per attempt however often it is sent; a decline is a "failed" Topup."""
        return await self._payments.top_up(
            amount, payment_method_id=payment_method_id, card=card, save_card=save_card
        )

    async def wait_for_topup(self, topup_id: str) -> Topup:
        """Poll a top-up that needs 3-D Secure (or is processing) until it succeeds or fails."""
        return await self._payments.wait_for_topup(topup_id)

    def stop_waiting(self, topup_id: str) -> None:
        """The person leaves a top-up with its bank (3-D Secure): the payment stays safe, and
        completes or fails on the bank's answer, which its event brings (`left_with_bank`)."""
        self._payments.left_with_bank.add(topup_id)

    @property
    def left_with_bank(self) -> frozenset[str]:
        """The payments the person stopped waiting for, whose outcome is news when it comes: top-ups
        left with their bank and open payment links whose screen was left."""
        return frozenset(self._payments.left_with_bank | self._links.left)

    async def answer_as_sandbox_bank(self, topup_id: str, *, approve: bool) -> Topup:
        """On a sandbox server: confirm or refuse a top-up's 3-D Secure, as its bank."""
        return await self._payments.answer_as_sandbox_bank(topup_id, approve=approve)

    async def load_payment_choice(self) -> None:
        """Read whether the server offers its secure payment page into `state.payment_page`."""
        await self._links.load_choice()

    async def open_payment_link(self, amount: int, *, save_card: bool = False) -> PaymentLink:
        """The open link to the secure payment page for `amount`, or a new one (made once
        however often it is asked for), into `state.payment_link` and followed live there."""
        return await self._links.open(amount, save_card=save_card)

    async def check_payment_link(self) -> None:
        """Read `state.payment_link` again from the server."""
        await self._links.check()

    def leave_payment_link(self, link_id: str) -> None:
        """The person leaves an open link's screen: the link still works, and its outcome is
        news when it comes (`left_with_bank`)."""
        self._links.leave(link_id)

    async def add_payment_method(self, card: CardInput) -> PaymentMethod:
        """Save a card (the server keeps only the gateway's token, brand, last4 and expiry)."""
        return await self._payments.add_payment_method(card)

    async def set_default_payment_method(self, method_id: str) -> None:
        await self._payments.set_default_payment_method(method_id)

    async def remove_payment_method(self, method_id: str) -> None:
        await self._payments.remove_payment_method(method_id)

    # --- auto-recharge and support ---------------------------------------------------------------
    def edit_auto_recharge(self, update: AutoRechargeUpdate | None) -> None:
        """Keep (or with None, drop) the unsaved edit; it survives a 401 and a reload."""
        self._auto_recharge.edit(update)

    async def save_auto_recharge(self, update: AutoRechargeUpdate) -> AutoRecharge:
        """Save with the ETag read last. On Conflict the server's values are loaded, then raised."""
        return await self._auto_recharge.save(update)

    async def request_support(self, amount: int, message: str, contact: str) -> SupportRequest:
        """File a request, once however often it is sent."""
        return await self._support.request(amount, message, contact)

    async def close(self) -> None:
        """Stop background work and close the connection pool; nothing starts after this."""
        await self._link.close()

"""The one account store: the single source of truth the screens read (see docs/CONTRACT.md).

Plain Python and asyncio (no Textual): it holds a frozen `AccountState`, replaces it whole on every
change and calls its subscribers; the app bridges that into a Textual reactive. Screens ask it to
act; it calls the client, updates the state, and applies the server's events as they arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import stamina

from credits_client.api.client import CreditsClient, ssl_verify
from credits_client.api.errors import ApiError, Conflict, ServerUnreachable, SessionExpired
from credits_client.api.models import (
    AutoRecharge,
    AutoRechargeUpdate,
    CardInput,
    PaymentMethod,
    ServerInfo,
    SupportRequest,
    Topup,
)
from credits_client.session_file import RememberedSession
from credits_client.store_attempts import attempt_for, payment_fingerprint, until_known
from credits_client.store_core import PAGE_SIZE, StoreCore, ok, raise_first
from credits_client.store_events import with_balance

if TYPE_CHECKING:
    from credits_client.config import Settings

__all__ = ["EMBEDDED_SERVER_KEY", "AccountStore", "ForgottenSession"]

# What a remembered session made on the embedded server is filed under (its socket path varies).
EMBEDDED_SERVER_KEY = "embedded"
# How long `connect` waits for the embedded server to start (normally a second or two). A server
# named by api_url gets no such wait: it answers within the client's retries or is down.
EMBEDDED_SERVER_START_WAIT = 30.0


@dataclass(frozen=True, slots=True)
class ForgottenSession:
    """What `forget_remembered_session` did (for `credits-tui logout` to say)."""

    file_removed: bool
    """A remembered-session file was there and is gone."""
    expires_at: datetime | None
    """When the remembered token expires (None: no usable session remembered for this server)."""
    not_revoked: str | None
    """Why the server could not revoke the token (None: revoked, or nothing to revoke)."""


class AccountStore(StoreCore):
    """State and actions of one signed-in person; every public coroutine may raise the typed errors
    of `credits_client.api.errors` (ApiError and subclasses, ServerUnreachable)."""

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
            server_key=settings.api_url or EMBEDDED_SERVER_KEY,
            api_url=settings.api_url or "local server",
            connect_timeout=0.0 if settings.api_url else EMBEDDED_SERVER_START_WAIT,
        )

    # --- connecting and signing in -------------------------------------------------------------
    async def connect(self) -> None:
        """Wait for the server (it may still be starting), then resume a remembered session.

        Never raises ServerUnreachable: after `connect_timeout` (0: the client's own retries
        only) the state says "offline" and a background probe keeps trying, switching to
        "online" when the server answers.
        """
        with self._busy("connect"):
            self._set(connection="connecting")
            try:
                info = await self._wait_for_server(self._connect_timeout)
            except ServerUnreachable:
                self._set(connection="offline")
                self._start_probe()
                return
            self._set(server=info, connection="online")
            await self._resume_session()

    async def _wait_for_server(self, seconds: float) -> ServerInfo:
        """server-info, asked until it answers or `seconds` have passed (then ServerUnreachable);
        with `seconds` 0 asked once, with the client's usual retries."""
        if seconds <= 0:
            return await self.client.server_info()
        async for attempt in stamina.retry_context(
            on=ServerUnreachable,
            attempts=None,
            timeout=seconds,
            wait_initial=0.1,
            wait_max=1.0,
            wait_jitter=0.1,
        ):
            with attempt:
                return await self.client.server_info()
        raise AssertionError("unreachable: stamina re-raises the last error")

    async def _resume_session(self) -> None:
        remembered = self._session_file.load(self._server_key)
        if remembered is None or self.state.user is not None:
            return
        self.client.set_token(remembered.token)
        self._set(user=remembered.user, session_expired=False)
        try:
            await self.refresh()
        except SessionExpired:
            self._session_file.forget()
            self.client.set_token(None)
            self._set(**self._signed_out())
            return
        except ServerUnreachable:
            pass
        self._start_events()

    async def login(self, email: str, password: str, *, remember: bool) -> None:
        """Sign in. After a session expired, the same account keeps everything (drafts included)."""
        with self._busy("login"):
            session = await self._net(self.client.login(email, password))
            previous = self.state.user
            self.client.set_token(session.token)
            if previous is not None and previous.account_id == session.user.account_id:
                self._set(user=session.user, session_expired=False)
            else:
                self._stop_events()
                self._pending_payment = self._pending_support = None
                self._set(**{**self._signed_out(), "user": session.user})
            if remember:
                self._session_file.save(
                    RememberedSession(
                        self._server_key, session.token, session.expires_at, session.user
                    )
                )
            else:
                self._session_file.forget()
        with contextlib.suppress(ServerUnreachable):
            await self._stream_then_refresh()
        self._start_events()  # already running, unless the server could not be reached

    async def logout(self) -> None:
        """Sign out here and on the server (best effort) and forget any remembered session."""
        with self._busy("logout"):
            self._stop_events()
            if self.client.has_token:
                with contextlib.suppress(ApiError, ServerUnreachable):
                    await self.client.logout()
            self.client.set_token(None)
            self._session_file.forget()
            self._pending_payment = self._pending_support = None
            self._set(**self._signed_out())

    async def forget_remembered_session(self, *, server_wait: float = 0.0) -> ForgottenSession:
        """For `credits-tui logout`, with nobody signed in: revoke the remembered session's token
        on the server, then remove the file, which goes even when the server cannot be reached.

        `server_wait`: seconds to wait for a server that is still starting (the embedded one).
        """
        remembered = self._session_file.load(self._server_key)
        not_revoked = None
        if remembered is not None:
            self.client.set_token(remembered.token)
            try:
                if server_wait:
                    await self._wait_for_server(server_wait)
                await self.client.logout()
            except SessionExpired:
                pass  # the server no longer knows the token: nothing left to revoke
            except (ApiError, ServerUnreachable) as error:
                not_revoked = str(error)
            finally:
                self.client.set_token(None)
        removed = self._session_file.forget()
        expires_at = remembered.expires_at if remembered is not None else None
        return ForgottenSession(removed, expires_at, not_revoked)

    # --- reading -------------------------------------------------------------------------------
    async def refresh(self) -> None:
        """Reload account, top-up options, cards, auto-recharge, support requests, first page."""
        with self._busy("refresh"):
            generation = self._generation
            kind = self.state.transactions_kind
            results = await self.settled(
                lambda: asyncio.gather(
                    self._net(self.client.account()),
                    self._net(self.client.topup_options()),
                    self._net(self.client.payment_methods()),
                    self._optional(self.client.auto_recharge()),
                    self._net(self.client.transactions(limit=PAGE_SIZE, kind=kind)),
                    self._optional(self.client.support_requests()),
                    return_exceptions=True,
                )
            )
            if generation != self._generation:
                return  # signed out (or another account) meanwhile: nothing to show or report
            raise_first(list(results))
            methods, page, support = ok(results[2]), ok(results[4]), ok(results[5])
            recharge = ok(results[3])
            changes: dict[str, Any] = {
                "account": ok(results[0]),
                "topup_options": ok(results[1]),
                "payment_methods": tuple(methods.data),
                "transactions": tuple(page.data),
                "transactions_cursor": page.next_cursor,
                "transactions_complete": page.next_cursor is None,
                "support_requests": tuple(support.data) if support is not None else (),
            }
            if recharge is not None:
                changes.update(auto_recharge=recharge[0], auto_recharge_etag=recharge[1])
            self._set_if_current(generation, **changes)

    async def load_more_transactions(self, kind: str | None = None) -> None:
        """Next page of history; a different `kind` (None = all) starts over with that filter."""
        with self._busy("history"):
            generation = self._generation
            state = self.state
            fresh = kind != state.transactions_kind
            if not fresh and state.transactions_complete:
                return
            cursor = None if fresh else state.transactions_cursor
            page = await self._net(
                self.client.transactions(limit=PAGE_SIZE, cursor=cursor, kind=kind)
            )
            known = set() if fresh else {t.id for t in self.state.transactions}
            kept = () if fresh else self.state.transactions
            self._set_if_current(
                generation,
                transactions=kept + tuple(t for t in page.data if t.id not in known),
                transactions_cursor=page.next_cursor,
                transactions_complete=page.next_cursor is None,
                transactions_kind=kind,
            )

    # --- paying --------------------------------------------------------------------------------
    async def top_up(
        self,
        amount: int,
        *,
        payment_method_id: str | None = None,
        card: CardInput | None = None,
        save_card: bool = False,
    ) -> Topup:
        """Pay. A decline is a Topup with status "failed", not an error.

        One idempotency key per payment attempt, kept until the outcome is known: pressing Pay
        again after a lost answer (ServerUnreachable) replays the same charge instead of a new one.
        """
        fingerprint = payment_fingerprint(amount, payment_method_id, card, save_card)
        pending = self._pending_payment = attempt_for(self._pending_payment, fingerprint)
        with self._busy("top_up"):
            seen = self.state.last_event_id
            topup = await until_known(
                self._net(
                    self.client.create_topup(
                        amount,
                        idempotency_key=pending.key,
                        payment_method_id=payment_method_id,
                        card=card,
                        save_card=save_card,
                    )
                ),
                self._forget_payment,
            )
            await self._after_payment(topup, cards_changed=save_card, seen=seen)
        return topup

    def _forget_payment(self) -> None:
        self._pending_payment = None

    async def wait_for_topup(self, topup_id: str) -> Topup:
        """Poll a top-up that needs 3-D Secure (or is processing) until it succeeds or fails."""
        with self._busy("top_up"):
            seen = self.state.last_event_id
            while True:
                topup = await self._net(self.client.topup(topup_id))
                if topup.status not in ("requires_action", "processing"):
                    break
                await asyncio.sleep(self._poll_interval)
            await self._after_payment(topup, cards_changed=True, seen=seen)
        return topup

    async def _after_payment(self, topup: Topup, *, cards_changed: bool, seen: int | None) -> None:
        if topup.status != "succeeded":
            return
        account = self.state.account
        # At once, unless an event (maybe newer than this answer) came in meanwhile.
        if (
            account is not None
            and topup.balance_after is not None
            and self.state.last_event_id == seen
        ):
            self._set(account=with_balance(account, topup.balance_after))
        if not self.first_reload_for_topup(topup.id):
            if cards_changed:  # its event already brought the balance and history
                with contextlib.suppress(ServerUnreachable):
                    await self._reload_cards()
            return
        with contextlib.suppress(ServerUnreachable):
            await self._reload_after_money_moved(cards_changed=cards_changed)

    # --- saved cards ---------------------------------------------------------------------------
    async def add_payment_method(self, card: CardInput) -> PaymentMethod:
        """Save a card (the server keeps only the gateway's token, brand, last4 and expiry)."""
        with self._busy("cards"):
            method = await self._net(self.client.add_payment_method(card))
            await self._reload_cards()
        return method

    async def set_default_payment_method(self, method_id: str) -> None:
        with self._busy("cards"):
            await self._net(self.client.set_default_payment_method(method_id))
            await self._reload_cards()

    async def remove_payment_method(self, method_id: str) -> None:
        with self._busy("cards"):
            await self._net(self.client.delete_payment_method(method_id))
            await self._reload_cards()

    async def _reload_cards(self) -> None:
        generation = self._generation
        methods = await self._net(self.client.payment_methods())
        self._set_if_current(generation, payment_methods=tuple(methods.data))

    # --- auto-recharge -------------------------------------------------------------------------
    def edit_auto_recharge(self, update: AutoRechargeUpdate | None) -> None:
        """Keep (or with None, drop) the unsaved edit; it survives a 401 and a reload."""
        self._set(auto_recharge_draft=update)

    async def save_auto_recharge(self, update: AutoRechargeUpdate) -> AutoRecharge:
        """Save with the ETag read last. On Conflict the server's values are loaded, then raised."""
        with self._busy("save_auto_recharge"):
            self._set(auto_recharge_draft=update)
            etag = self.state.auto_recharge_etag or ""
            if not etag:
                _, etag = await self._net(self.client.auto_recharge())
            try:
                saved, etag = await self._net(self.client.update_auto_recharge(update, etag=etag))
            except Conflict:
                current, latest = await self._net(self.client.auto_recharge())
                if current.as_update() == update:
                    # Our own save, retried after its answer was lost: it did land.
                    saved, etag = current, latest
                else:
                    self._set(
                        auto_recharge=current, auto_recharge_etag=latest, auto_recharge_draft=None
                    )
                    raise
            self._set(auto_recharge=saved, auto_recharge_etag=etag, auto_recharge_draft=None)
            with contextlib.suppress(ServerUnreachable):  # low_balance_level follows the threshold
                self._set(account=await self.settled(lambda: self._net(self.client.account())))
        return saved

    # --- support -------------------------------------------------------------------------------
    async def request_support(self, amount: int, message: str, contact: str) -> SupportRequest:
        """File a request. As for `top_up`, one idempotency key per request until its outcome is
        known: sending it again after a lost answer (ServerUnreachable) files nothing new."""
        pending = self._pending_support = attempt_for(
            self._pending_support, (amount, message, contact)
        )
        with self._busy("support"):
            request = await until_known(
                self._net(
                    self.client.create_support_request(
                        amount, message, contact, idempotency_key=pending.key
                    )
                ),
                self._forget_support,
            )
            self._set(support_requests=(request, *self.state.support_requests))
        return request

    def _forget_support(self) -> None:
        self._pending_support = None

"""The typed client of the credits service: one httpx.AsyncClient for the app's life.

Every endpoint of docs/CONTRACT.md is a method returning the models of `api.models`; error answers
raise the typed errors of `api.errors`. The session token is held as a SecretStr and only ever
written into the Authorization header of a request.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncGenerator, Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, SecretStr

from credits_client.api import gateway
from credits_client.api.events import EventStream
from credits_client.api.models import (
    Account,
    ActivityItem,
    AutoRecharge,
    AutoRechargeUpdate,
    CardInput,
    DailyBalances,
    DeadLetter,
    Event,
    NewNotificationTarget,
    NotificationTarget,
    Page,
    PaymentConfig,
    PaymentLink,
    PaymentMethod,
    Receipt,
    SaveCard,
    ServerInfo,
    Session,
    SshKey,
    SupportRequest,
    Topup,
    TopupOptions,
    Transaction,
)
from credits_client.api.team_calls import TeamCalls
from credits_client.api.transport import RetryPolicy, raise_for_problem, send_with_retries
from credits_core.version import version

M = TypeVar("M", bound=BaseModel)

# Base URL used on a Unix socket: the host part is only a label.
UDS_BASE_URL = "http://credits.local"
# The server sends a keep-alive comment every 15 s: three missed ones mean the stream is dead.
EVENT_STREAM_READ_TIMEOUT = 45.0
CONNECT_TIMEOUT = 5.0


def ssl_verify(verify: bool, ca_bundle: Path | str | None) -> ssl.SSLContext | bool:
    """The `verify` argument of httpx: off, or the system's certificate store (where a company
    installs its CA), plus a CA bundle when one is given."""
    if not verify:
        return False
    import truststore  # deferred: building the context reads the store (start-up time)

    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_bundle is not None:
        context.load_verify_locations(cafile=str(ca_bundle))
    return context


class CreditsClient(TeamCalls):
    """Talks to one credits server, over TCP (`base_url`) or a Unix socket (`uds`)."""

    def __init__(
        self,
        base_url: str,
        *,
        uds: str | None = None,
        timeout: float = 10.0,
        verify: ssl.SSLContext | bool = True,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if uds is not None or not (base_url or "").startswith("https://"):
            # No TLS on http:// or a Unix socket: skip building an SSL context (~0.25 s at start).
            verify = False
        if transport is None:
            transport = httpx.AsyncHTTPTransport(uds=uds, verify=verify, retries=0)
        self.base_url = (base_url or UDS_BASE_URL).rstrip("/")
        self.retry = retry or RetryPolicy()
        self._timeout = timeout
        self._token: SecretStr | None = None
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            transport=transport,
            # A host that does not answer at all is known in seconds; answers may take longer.
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
            headers={"User-Agent": f"credits-tui/{version()}", "Accept": "application/json"},
            limits=httpx.Limits(max_keepalive_connections=5, keepalive_expiry=30.0),
            follow_redirects=False,
        )
        self._verify = verify
        self._gateway_http: httpx.AsyncClient | None = None
        self._payment_config: PaymentConfig | None = None

    def __repr__(self) -> str:
        signed = "signed in" if self._token is not None else "signed out"
        return f"<CreditsClient {self.base_url} {signed}>"

    # --- session token ----------------------------------------------------------------------
    @property
    def has_token(self) -> bool:
        return self._token is not None

    def set_token(self, token: SecretStr | str | None) -> None:
        self._token = SecretStr(token) if isinstance(token, str) else token

    async def aclose(self) -> None:
        await self._http.aclose()
        if self._gateway_http is not None:
            await self._gateway_http.aclose()

    # --- plumbing -----------------------------------------------------------------------------
    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        return headers

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        request = self._http.build_request(
            method,
            path,
            json=json,
            params={k: v for k, v in (params or {}).items() if v is not None} or None,
            headers=self._headers(headers),
        )
        if idempotent is None:
            idempotent = method in {"GET", "HEAD", "DELETE", "PUT"}
        response = await send_with_retries(
            self._http, request, idempotent=idempotent, policy=self.retry
        )
        raise_for_problem(response)
        return response

    # --- endpoints ----------------------------------------------------------------------------
    async def server_info(self) -> ServerInfo:
        return self._parse(ServerInfo, await self._call("GET", "/v1/server-info"))

    async def login(self, email: str, password: str) -> Session:
        body = {"email": email, "password": password}
        return self._parse(Session, await self._call("POST", "/v1/sessions", json=body))

    async def logout(self) -> None:
        await self._call("DELETE", "/v1/sessions/current")

    async def account(self) -> Account:
        return self._parse(Account, await self._call("GET", "/v1/account"))

    async def transactions(
        self, *, limit: int = 50, cursor: str | None = None, kind: str | None = None
    ) -> Page[Transaction]:
        params: dict[str, Any] = {"limit": limit, "cursor": cursor, "kind": kind}
        response = await self._call("GET", "/v1/account/transactions", params=params)
        return self._parse(Page[Transaction], response)

    async def receipt(self, receipt_id: str) -> Receipt:
        return self._parse(Receipt, await self._call("GET", f"/v1/receipts/{receipt_id}"))

    async def receipt_pdf(self, receipt_id: str) -> bytes:
        headers = {"Accept": "application/pdf"}
        response = await self._call("GET", f"/v1/receipts/{receipt_id}/pdf", headers=headers)
        return response.content

    async def open_download(self, path: str, params: Mapping[str, str]) -> httpx.Response:
        """GET `path` streamed (a file of any size); the caller reads it and must close it."""
        request = self._http.build_request(
            "GET", path, params=params, headers=self._headers({"Accept": "*/*"})
        )
        response = await send_with_retries(
            self._http, request, idempotent=True, policy=self.retry, stream=True
        )
        if not response.is_success:
            await response.aread()
            await response.aclose()
            raise_for_problem(response)
        return response

    async def activity(
        self, *, limit: int = 50, cursor: str | None = None, kind: str | None = None
    ) -> Page[ActivityItem]:
        """The account's audit trail, newest first (owners); `kind` keeps actions starting so."""
        params: dict[str, Any] = {"limit": limit, "cursor": cursor, "kind": kind}
        response = await self._call("GET", "/v1/account/activity", params=params)
        return self._parse(Page[ActivityItem], response)

    async def redeem_reset_code(self, code: str, email: str, password: str) -> None:
        """Set a new password with the one-time code an operator gave out (then sign in)."""
        body = {"code": code, "email": email, "password": password}
        await self._call("POST", "/v1/password-resets/redeem", json=body)

    async def daily_balances(self, start: date, end: date) -> DailyBalances:
        params = {"start": start.isoformat(), "end": end.isoformat()}
        response = await self._call("GET", "/v1/account/daily-balances", params=params)
        return self._parse(DailyBalances, response)

    async def topup_options(self) -> TopupOptions:
        return self._parse(TopupOptions, await self._call("GET", "/v1/topup-options"))

    async def payment_methods(self) -> Page[PaymentMethod]:
        return self._parse(Page[PaymentMethod], await self._call("GET", "/v1/payment-methods"))

    async def payment_config(self) -> PaymentConfig:
        """The gateway's public configuration (read once: it changes only with the server)."""
        if self._payment_config is None:
            response = await self._call("GET", "/v1/payment-config")
            self._payment_config = self._parse(PaymentConfig, response)
        return self._payment_config

    async def tokenize_card(self, card: CardInput) -> str:
        """Send the card to the payment gateway (not to credits-server); its payment-method id."""
        if self._gateway_http is None:
            self._gateway_http = httpx.AsyncClient(
                timeout=self._timeout, verify=self._verify if self._verify is not False else True
            )
        config = await self.payment_config()
        return await gateway.tokenize(self._http, self._gateway_http, config, card)

    async def add_payment_method(self, card_token: str, name: str = "") -> PaymentMethod:
        """Save a card tokenized at the gateway. Sent once: a lost answer is not retried."""
        body = SaveCard(card_token=card_token, name=name).model_dump()
        response = await self._call("POST", "/v1/payment-methods", json=body)
        return self._parse(PaymentMethod, response)

    async def delete_payment_method(self, method_id: str) -> None:
        await self._call("DELETE", f"/v1/payment-methods/{method_id}")

    async def set_default_payment_method(self, method_id: str) -> PaymentMethod:
        response = await self._call(
            "POST", f"/v1/payment-methods/{method_id}/default", idempotent=True
        )
        return self._parse(PaymentMethod, response)

    async def create_topup(
        self,
        amount: int,
        *,
        idempotency_key: str,
        payment_method_id: str | None = None,
        card_token: str | None = None,
        save_card: bool = False,
    ) -> Topup:
        """Charge a saved card or a card tokenized at the gateway (`tokenize_card`). Retried
        with the SAME key: charged at most once."""
        if (payment_method_id is None) == (card_token is None):
            raise ValueError("give exactly one of payment_method_id and card_token")
        body: dict[str, object] = {"amount": amount}
        if card_token is not None:
            body.update(card_token=card_token, save_card=save_card)
        else:
            body["payment_method_id"] = payment_method_id
        response = await self._call(
            "POST",
            "/v1/topups",
            json=body,
            headers={"Idempotency-Key": idempotency_key},
            idempotent=True,
        )
        return self._parse(Topup, response)

    async def topup(self, topup_id: str) -> Topup:
        return self._parse(Topup, await self._call("GET", f"/v1/topups/{topup_id}"))

    async def answer_as_sandbox_bank(self, topup_id: str, *, approve: bool) -> Topup:
        """Confirm or refuse a top-up's 3-D Secure at the sandbox gateway's stand-in bank page
        (a sandbox server only; it asks no sign-in, as a bank's page would not)."""
        response = await self._call(
            "POST",
            f"/sandbox/authenticate/{topup_id}",
            params={"result": "approve" if approve else "decline"},
            idempotent=True,  # answering twice leaves the first answer in place
        )
        return self._parse(Topup, response)

    async def find_topup(self, idempotency_key: str) -> Topup | None:
        """The top-up made with this key, if the server got it: the truth after a lost answer."""
        response = await self._call(
            "GET", "/v1/topups", params={"idempotency_key": idempotency_key}
        )
        page = self._parse(Page[Topup], response)
        return page.data[0] if page.data else None

    async def create_payment_link(
        self, amount: int, *, idempotency_key: str, save_card: bool = False
    ) -> PaymentLink:
        """A link to the secure payment page for `amount`. Retried with the SAME key: one link
        (and at most one charge) per key."""
        response = await self._call(
            "POST",
            "/v1/payment-links",
            json={"amount": amount, "save_card": save_card},
            headers={"Idempotency-Key": idempotency_key},
            idempotent=True,
        )
        return self._parse(PaymentLink, response)

    async def payment_link(self, link_id: str) -> PaymentLink:
        return self._parse(PaymentLink, await self._call("GET", f"/v1/payment-links/{link_id}"))

    async def auto_recharge(self) -> tuple[AutoRecharge, str]:
        """The settings and their ETag (for the If-Match of the next save)."""
        response = await self._call("GET", "/v1/auto-recharge")
        return self._parse(AutoRecharge, response), response.headers.get("ETag", "")

    async def update_auto_recharge(
        self, update: AutoRechargeUpdate, *, etag: str
    ) -> tuple[AutoRecharge, str]:
        """Save; raises Conflict (412) when someone saved since `etag` was read."""
        response = await self._call(
            "PUT",
            "/v1/auto-recharge",
            json=update.model_dump(mode="json"),
            headers={"If-Match": etag},
        )
        return self._parse(AutoRecharge, response), response.headers.get("ETag", "")

    async def create_support_request(
        self, amount: int, message: str, contact: str, *, idempotency_key: str | None = None
    ) -> SupportRequest:
        """File a request. With a key, a lost answer is retried: filed at most once per key."""
        body = {"amount": amount, "message": message, "contact": contact}
        response = await self._call(
            "POST",
            "/v1/support-requests",
            json=body,
            headers={"Idempotency-Key": idempotency_key} if idempotency_key else None,
            idempotent=idempotency_key is not None,
        )
        return self._parse(SupportRequest, response)

    async def support_requests(self) -> Page[SupportRequest]:
        response = await self._call("GET", "/v1/support-requests")
        return self._parse(Page[SupportRequest], response)

    # --- Notifications: the account's targets (owner only) and the messages given up on -------
    async def notification_targets(self) -> Page[NotificationTarget]:
        response = await self._call("GET", "/v1/notification-targets")
        return self._parse(Page[NotificationTarget], response)

    async def add_notification_target(
        self, channel: str, address: str, events: list[str]
    ) -> NewNotificationTarget:
        body = {"channel": channel, "address": address, "events": events}
        response = await self._call("POST", "/v1/notification-targets", json=body)
        return self._parse(NewNotificationTarget, response)

    async def change_notification_target(
        self, target_id: str, events: list[str], enabled: bool
    ) -> NotificationTarget:
        body = {"events": events, "enabled": enabled}
        response = await self._call(
            "PUT", f"/v1/notification-targets/{target_id}", json=body, idempotent=True
        )
        return self._parse(NotificationTarget, response)

    async def delete_notification_target(self, target_id: str) -> None:
        await self._call("DELETE", f"/v1/notification-targets/{target_id}")

    async def test_notification_target(self, target_id: str) -> str:
        response = await self._call("POST", f"/v1/notification-targets/{target_id}/test")
        return str(response.json()["message_id"])

    async def notification_dead_letters(self) -> Page[DeadLetter]:
        response = await self._call("GET", "/v1/notification-dead-letters")
        return self._parse(Page[DeadLetter], response)

    # --- SSH keys: the signed-in person's, and the SSH gateway's questions (its API key) -------
    async def ssh_keys(self) -> Page[SshKey]:
        return self._parse(Page[SshKey], await self._call("GET", "/v1/ssh-keys"))

    async def add_ssh_key(self, public_key: str) -> SshKey:
        body = {"public_key": public_key}
        return self._parse(SshKey, await self._call("POST", "/v1/ssh-keys", json=body))

    async def delete_ssh_key(self, key_id: str) -> None:
        await self._call("DELETE", f"/v1/ssh-keys/{key_id}")

    async def ssh_key_known(self, public_key: str) -> bool:
        """For the SSH gateway: whether some user registered this key."""
        body = {"public_key": public_key}
        response = await self._call(
            "POST", "/v1/ssh-gateway/known-keys", json=body, idempotent=True
        )
        return bool(response.json().get("known"))

    async def ssh_session(self, public_key: str) -> Session:
        """For the SSH gateway: a session for the user who registered this key."""
        body = {"public_key": public_key}
        return self._parse(Session, await self._call("POST", "/v1/ssh-gateway/sessions", json=body))

    # --- events -------------------------------------------------------------------------------
    async def open_event_stream(self, last_event_id: int | None) -> httpx.Response:
        """Open GET /v1/events (streamed); the caller reads it and must close it."""
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        request = self._http.build_request(
            "GET",
            "/v1/events",
            headers=self._headers(headers),
            timeout=httpx.Timeout(
                self._timeout,
                connect=min(self._timeout, CONNECT_TIMEOUT),
                read=EVENT_STREAM_READ_TIMEOUT,
            ),
        )
        response = await send_with_retries(
            self._http, request, idempotent=True, policy=self.retry, stream=True
        )
        if not response.is_success:
            await response.aread()
            await response.aclose()
            raise_for_problem(response)
        return response

    def events(
        self,
        last_event_id: int | None = None,
        *,
        on_connection: Callable[[bool], None] | None = None,
        reconnect_delay: float = 1.0,
    ) -> AsyncGenerator[Event, None]:
        """Server events, reconnecting with Last-Event-ID; no event twice (see api.events)."""
        stream = EventStream(
            self,
            last_event_id=last_event_id,
            on_connection=on_connection,
            reconnect_delay=reconnect_delay,
        )
        return stream.__aiter__()

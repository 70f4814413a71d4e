"""A Stripe-faithful test double over real HTTP, for the official `stripe` SDK to talk to.

Only what credits-server and the app use: `POST /v1/payment_methods` (with the publishable key, as
the app tokenizes), `GET /v1/payment_methods/{id}`, `POST /v1/customers`, `POST /v1/setup_intents`,
`POST /v1/payment_intents` (created and confirmed at once), `GET /v1/payment_intents/{id}`, and
Checkout Sessions with their hosted page (tests/support/stripe_checkout.py);
form-encoded bodies, Idempotency-Key honoured (the same key answers the first answer again), and a
stand-in for the bank's 3-D Secure page at `/3ds/{payment_intent}`. Stripe's documented test cards
behave as documented (`TEST_CARDS`).

It sends signed webhooks (`Stripe-Signature`, Stripe's scheme) to `webhook_url`: at once, or held
(`hold = True`) for a test to deliver late, twice, in reverse or not at all (`release`).

The objects are shaped after Stripe's published fixtures (`fixtures3.json` of stripe/openapi,
copied into ../shared/stripe/; MIT licence, Copyright (c) 2011- Stripe, Inc.), trimmed to the
fields that matter here.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.ports import free_port
from tests.support.stripe_checkout import CheckoutSessions
from tests.support.stripe_wire import (
    TEST_CARDS,
    WEBHOOK_SECRET,
    brand,
    card_error,
    card_error_param,
    invalid,
    luhn,
    new_id,
    parse_form,
    signature,
)
from tests.support.wait import wait_for

SECRET_KEY = "sk_test_double_0123456789"
PUBLISHABLE_KEY = "pk_test_double_0123456789"


@dataclass
class StripeDouble(CheckoutSessions):
    webhook_url: str = ""
    hold: bool = False
    """Keep webhooks in `held` until `release` instead of sending them at once."""
    port: int = field(default_factory=free_port)
    methods: dict[str, dict[str, Any]] = field(default_factory=dict)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Checkout Sessions by id (tests/support/stripe_checkout.py)."""
    session_intent_data: dict[str, dict[str, Any]] = field(default_factory=dict)
    charges: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Charges that took money, by id (refunded or not)."""
    held: list[dict[str, Any]] = field(default_factory=list)
    sent: list[tuple[str, int]] = field(default_factory=list)
    """(event type, the server's status) of each webhook delivered."""
    requests: list[tuple[str, str]] = field(default_factory=list)
    answer_delay: float = 0.0
    """Seconds a PaymentIntent's answer waits after the charge is made (a crash lands there)."""
    answered: threading.Event = field(default_factory=threading.Event)
    """Set when a PaymentIntent has been charged and its answer is about to wait."""
    _behaviour: dict[str, str] = field(default_factory=dict)
    _set_up: set[str] = field(default_factory=set)
    _replies: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- the HTTP side -------------------------------------------------------------------------
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/payment_methods", self._create_method, methods=["POST"]),
                Route("/v1/payment_methods/{id}", self._get_method, methods=["GET"]),
                Route("/v1/customers", self._create_customer, methods=["POST"]),
                Route("/v1/setup_intents", self._create_setup, methods=["POST"]),
                Route("/v1/payment_intents", self._create_intent, methods=["POST"]),
                Route("/v1/payment_intents/{id}", self._get_intent, methods=["GET"]),
                Route("/3ds/{id}", self._authenticate, methods=["POST"]),
                Route("/v1/checkout/sessions", self._create_session, methods=["POST"]),
                Route("/v1/checkout/sessions/{id}", self._get_session, methods=["GET"]),
                Route("/v1/checkout/sessions/{id}/expire", self._expire_session, methods=["POST"]),
                Route("/c/pay/{id}", self._page, methods=["GET", "POST"]),
            ]
        )

    async def _call(self, request: Request, handler: Any, *, public: bool = False) -> Response:
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        if key != SECRET_KEY and not (public and key == PUBLISHABLE_KEY):
            error = {"type": "invalid_request_error", "message": "Invalid API Key provided"}
            return JSONResponse({"error": error}, status_code=401)
        body = await request.body()
        self.requests.append((request.url.path, body.decode()))
        idempotency = request.headers.get("idempotency-key")
        with self._lock:
            if idempotency and idempotency in self._replies:
                status, content = self._replies[idempotency]
                return Response(content, status, media_type="application/json")
            answer: Response = handler(request, parse_form(body))
            if idempotency and answer.status_code != 401:
                self._replies[idempotency] = (answer.status_code, bytes(answer.body))
        return answer

    async def _create_method(self, request: Request) -> Response:
        return await self._call(request, self.create_method, public=True)

    async def _get_method(self, request: Request) -> Response:
        found = self.methods.get(request.path_params["id"])
        return await self._call(
            request,
            lambda r, f: JSONResponse(found) if found else invalid("No such PaymentMethod"),
        )

    async def _create_customer(self, request: Request) -> Response:
        return await self._call(request, self.create_customer)

    async def _create_setup(self, request: Request) -> Response:
        return await self._call(request, self.create_setup)

    async def _create_intent(self, request: Request) -> Response:
        answer = await self._call(request, self.create_intent)
        if self.answer_delay:
            self.answered.set()
            await asyncio.sleep(self.answer_delay)
        return answer

    async def _get_intent(self, request: Request) -> Response:
        found = self.intents.get(request.path_params["id"])
        return await self._call(
            request,
            lambda r, f: JSONResponse(found) if found else invalid("No such PaymentIntent"),
        )

    async def _authenticate(self, request: Request) -> Response:
        intent = self.intents[request.path_params["id"]]
        approve = request.query_params.get("result", "approve") == "approve"
        with self._lock:
            if intent["status"] == "requires_action":
                intent["next_action"] = None
                if approve:
                    self._succeed(intent)
                else:
                    self._fail(intent, "payment_intent_authentication_failure", None)
        return JSONResponse(intent)

    # --- Stripe's behaviour --------------------------------------------------------------------
    def create_method(self, request: Request, form: dict[str, Any]) -> Response:
        card = form.get("card", {})
        number = str(card.get("number", "")).replace(" ", "")
        if not number.isdigit() or not 12 <= len(number) <= 19 or not luhn(number):
            return card_error_param("incorrect_number", "card[number]")
        if not str(card.get("exp_year", "")).isdigit() or int(card["exp_year"]) < 2025:
            return card_error_param("invalid_expiry_year", "card[exp_year]")
        if not str(card.get("cvc", "")).isdigit():
            return card_error_param("invalid_cvc", "card[cvc]")
        method = {
            "id": new_id("pm"),
            "object": "payment_method",
            "allow_redisplay": "unspecified",
            "billing_details": {"name": form.get("billing_details", {}).get("name") or None},
            "card": {
                "brand": brand(number),
                "country": "US",
                "display_brand": brand(number),
                "exp_month": int(card.get("exp_month") or 0),
                "exp_year": int(card["exp_year"]),
                "funding": "credit",
                "last4": number[-4:],
            },
            "created": int(time.time()),
            "customer": None,
            "livemode": False,
            "metadata": {},
            "type": "card",
        }
        self.methods[method["id"]] = method
        self._behaviour[method["id"]] = TEST_CARDS.get(number, "succeed")
        return JSONResponse(method)

    def create_customer(self, request: Request, form: dict[str, Any]) -> Response:
        customer = {
            "id": new_id("cus"),
            "object": "customer",
            "created": int(time.time()),
            "currency": "usd",
            "invoice_settings": {"default_payment_method": None},
            "livemode": False,
            "metadata": form.get("metadata", {}),
        }
        self.customers[customer["id"]] = customer
        return JSONResponse(customer)

    def create_setup(self, request: Request, form: dict[str, Any]) -> Response:
        method_id = form.get("payment_method", "")
        if method_id not in self.methods:
            return invalid(f"No such PaymentMethod: '{method_id}'", "payment_method")
        behaviour = self._behaviour[method_id]
        setup = {
            "id": new_id("seti"),
            "object": "setup_intent",
            "customer": form.get("customer"),
            "payment_method": method_id,
            "payment_method_types": ["card"],
            "usage": form.get("usage", "off_session"),
            "livemode": False,
            "metadata": {},
            "status": "succeeded",
        }
        if behaviour.startswith("decline:"):
            _, code, decline = behaviour.split(":")
            setup["status"] = "requires_payment_method"
            return card_error(code, decline, "Your card was declined.", setup_intent=setup)
        self.methods[method_id]["customer"] = form.get("customer")
        self._set_up.add(method_id)
        return JSONResponse(setup)

    def create_intent(self, request: Request, form: dict[str, Any]) -> Response:
        method_id = form.get("payment_method", "")
        if method_id not in self.methods:
            return invalid(f"No such PaymentMethod: '{method_id}'", "payment_method")
        intent: dict[str, Any] = {
            "id": new_id("pi"),
            "object": "payment_intent",
            "amount": int(form["amount"]),
            "amount_received": 0,
            "capture_method": "automatic",
            "client_secret": None,
            "confirmation_method": "automatic",
            "created": int(time.time()),
            "currency": form["currency"],
            "customer": form.get("customer"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": form.get("metadata", {}),
            "next_action": None,
            "payment_method": method_id,
            "payment_method_types": ["card"],
            "setup_future_usage": form.get("setup_future_usage"),
            "status": "requires_confirmation",
        }
        intent["client_secret"] = f"{intent['id']}_secret_{secrets.token_hex(8)}"
        self.intents[intent["id"]] = intent
        behaviour = self._behaviour[method_id]
        off_session = form.get("off_session") in ("true", "one_off", "recurring")
        if behaviour.startswith("decline:"):
            _, code, decline = behaviour.split(":")
            return self._declined(intent, code, decline)
        if behaviour == "attach_then_decline":
            return self._declined(intent, "card_declined", "generic_decline")
        needs_auth = behaviour == "auth_always" or (
            behaviour == "auth_unless_set_up" and method_id not in self._set_up
        )
        if needs_auth and off_session:
            return self._declined(intent, "authentication_required", "authentication_required")
        if needs_auth:
            intent["status"] = "requires_action"
            intent["next_action"] = {
                "type": "redirect_to_url",
                "redirect_to_url": {
                    "url": f"{self.url}/3ds/{intent['id']}",
                    "return_url": form.get("return_url"),
                },
            }
            return JSONResponse(intent)
        self._succeed(intent)
        return JSONResponse(intent)

    def _declined(self, intent: dict[str, Any], code: str, decline: str | None) -> Response:
        self._fail(intent, code, decline)
        return card_error(code, decline, "Your card was declined.", payment_intent=intent)

    def _fail(self, intent: dict[str, Any], code: str, decline: str | None) -> None:
        intent["status"] = "requires_payment_method"
        intent["last_payment_error"] = {"type": "card_error", "code": code}
        if decline is not None:
            intent["last_payment_error"]["decline_code"] = decline
        self._emit("payment_intent.payment_failed", intent)

    def _succeed(self, intent: dict[str, Any]) -> None:
        charge = {
            "id": new_id("ch"),
            "object": "charge",
            "amount": intent["amount"],
            "amount_refunded": 0,
            "currency": intent["currency"],
            "customer": intent["customer"],
            "metadata": intent["metadata"],
            "paid": True,
            "payment_intent": intent["id"],
            "payment_method": intent["payment_method"],
            "refunded": False,
            "status": "succeeded",
        }
        self.charges[charge["id"]] = charge
        intent.update(status="succeeded", amount_received=intent["amount"])
        intent["latest_charge"] = charge["id"]
        if intent.get("setup_future_usage"):
            self._set_up.add(intent["payment_method"])
            self.methods[intent["payment_method"]]["customer"] = intent["customer"]
        self._emit("payment_intent.succeeded", intent)

    # --- what a test does at Stripe's end ------------------------------------------------------
    def refund(self, intent_id: str) -> dict[str, Any]:
        """Refund the PaymentIntent's charge in full (as from the Dashboard): `charge.refunded`."""
        charge = self.charges[self.intents[intent_id]["latest_charge"]]
        charge.update(refunded=True, amount_refunded=charge["amount"])
        return self._emit("charge.refunded", charge)

    def dispute(self, intent_id: str, reason: str = "fraudulent") -> dict[str, Any]:
        charge = self.charges[self.intents[intent_id]["latest_charge"]]
        dispute = {
            "id": new_id("dp"),
            "object": "dispute",
            "amount": charge["amount"],
            "charge": charge["id"],
            "currency": charge["currency"],
            "payment_intent": intent_id,
            "reason": reason,
            "status": "needs_response",
            "livemode": False,
        }
        return self._emit("charge.dispute.created", dispute)

    def intent_of(self, topup_id: str) -> str:
        """The PaymentIntent made for our top-up (found by the metadata we give it)."""
        [found] = [i for i, pi in self.intents.items() if pi["metadata"]["topup_id"] == topup_id]
        return found

    # --- webhooks ------------------------------------------------------------------------------
    def _emit(self, type_: str, obj: dict[str, Any]) -> dict[str, Any]:
        event = {
            "id": new_id("evt"),
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "data": {"object": json.loads(json.dumps(obj))},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type_,
        }
        if self.hold or not self.webhook_url:
            self.held.append(event)
        else:
            threading.Thread(target=self.deliver, args=(event,), daemon=True).start()
        return event

    def deliver(
        self, event: dict[str, Any], *, secret: str = WEBHOOK_SECRET, at: int | None = None
    ) -> httpx.Response:
        payload = json.dumps(event)
        response = httpx.post(
            self.webhook_url,
            content=payload,
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": signature(payload, secret, at),
            },
            timeout=30,
        )
        self.sent.append((event["type"], response.status_code))
        return response

    def release(self, *, reverse: bool = False, times: int = 1, drop: int = 0) -> None:
        """Deliver the held events (oldest first, or `reverse`), each `times` times, after
        dropping the first `drop` of them (never delivered)."""
        events, self.held = self.held[drop:], []
        for event in reversed(events) if reverse else events:
            for _ in range(times):
                self.deliver(event)


@contextmanager
def running_double(webhook_url: str = "") -> Iterator[StripeDouble]:
    """The double, served on 127.0.0.1 in a thread of its own until the block ends."""
    double = StripeDouble(webhook_url=webhook_url)
    server = uvicorn.Server(
        uvicorn.Config(double.app(), host="127.0.0.1", port=double.port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started, within=10, what="the Stripe double to start")
    try:
        yield double
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def server_env(double: StripeDouble) -> dict[str, str]:
    """The credits-server settings that point it at the double."""
    return {
        "CREDITS_SERVER_GATEWAY": "stripe",
        "CREDITS_SERVER_STRIPE_SECRET_KEY": SECRET_KEY,
        "CREDITS_SERVER_STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "CREDITS_SERVER_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "CREDITS_SERVER_STRIPE_API_BASE": double.url,
    }

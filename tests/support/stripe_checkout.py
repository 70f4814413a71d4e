"""Stripe Checkout in the Stripe double (tests/support/stripe_double.py mixes this in):
`POST /v1/checkout/sessions`, `GET /v1/checkout/sessions/{id}`, `POST .../{id}/expire`, and the
hosted page a session's `url` opens (`/c/pay/{id}`: a plain card form standing in for
Stripe's), as Stripe documents them:

- `mode` is required (only `payment` here), with `line_items` (`price_data` with `currency`,
  `unit_amount`, `product_data[name]`; `quantity`); `expires_at` must be 30 minutes to 24 hours
  after creation (default 24 hours); a `customer` must exist; `payment_intent_data`'s
  `setup_future_usage` is `on_session` or `off_session`, and its `metadata` goes on the
  PaymentIntent.
- A session starts `status: open`, `payment_status: unpaid`, `payment_intent: null` (the
  PaymentIntent is made when the customer pays). A declined card leaves it open for another
  try; a paid one makes it `complete` / `paid`, sends `checkout.session.completed`, and the
  customer to `success_url` (303). An expired session's page says so.

The objects follow `checkout.session` in Stripe's published fixtures (../shared/stripe/), trimmed.
"""

from __future__ import annotations

import html
import json
import time
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from tests.support.stripe_wire import new_id, parse_form

if TYPE_CHECKING:
    from tests.support.stripe_double import StripeDouble

SHORTEST, LONGEST, DEFAULT_LIFE = 30 * 60, 24 * 3600, 24 * 3600


def _bad(message: str, param: str) -> JSONResponse:
    error = {"type": "invalid_request_error", "message": message, "param": param}
    return JSONResponse({"error": error}, status_code=400)


class CheckoutSessions:
    """Checkout for the double: `self` is a StripeDouble (its `sessions`, customers, cards)."""

    def create_session(self: StripeDouble, request: Request, form: dict[str, Any]) -> Response:
        now = int(time.time())
        if form.get("mode") != "payment":
            return _bad("Missing required param: mode.", "mode")
        items = form.get("line_items", {})
        item = items.get("0") if isinstance(items, dict) else None
        if not item or "price_data" not in item:
            return _bad("line_items is required in payment mode.", "line_items")
        price = item["price_data"]
        if not str(price.get("unit_amount", "")).isdigit():
            return _bad("Missing required param: unit_amount.", "line_items[0][price_data]")
        expires_at = int(form.get("expires_at") or now + DEFAULT_LIFE)
        if not now + SHORTEST <= expires_at <= now + LONGEST:
            message = "expires_at must be between 30 minutes and 24 hours from now."
            return _bad(message, "expires_at")
        customer = form.get("customer")
        if customer is not None and customer not in self.customers:
            return _bad(f"No such customer: '{customer}'", "customer")
        intent_data = form.get("payment_intent_data", {})
        if intent_data.get("setup_future_usage") not in (None, "on_session", "off_session"):
            return _bad("Invalid setup_future_usage.", "payment_intent_data[setup_future_usage]")
        amount = int(price["unit_amount"]) * int(item.get("quantity") or 1)
        session: dict[str, Any] = {
            "id": new_id("cs_test"),
            "object": "checkout.session",
            "amount_subtotal": amount,
            "amount_total": amount,
            "cancel_url": form.get("cancel_url"),
            "client_reference_id": form.get("client_reference_id"),
            "created": now,
            "currency": price["currency"],
            "customer": customer,
            "expires_at": expires_at,
            "livemode": False,
            "metadata": form.get("metadata", {}),
            "mode": "payment",
            "payment_intent": None,
            "payment_method_types": ["card"],
            "payment_status": "unpaid",
            "status": "open",
            "success_url": form.get("success_url"),
            "url": "",
        }
        session["url"] = f"{self.url}/c/pay/{session['id']}"
        self.sessions[session["id"]] = session
        self.session_intent_data[session["id"]] = intent_data
        return JSONResponse(session)

    async def _create_session(self: StripeDouble, request: Request) -> Response:
        return await self._call(request, self.create_session)

    async def _get_session(self: StripeDouble, request: Request) -> Response:
        found = self.sessions.get(request.path_params["id"])
        return await self._call(
            request,
            lambda r, f: JSONResponse(found) if found else _bad("No such session", "session"),
        )

    async def _expire_session(self: StripeDouble, request: Request) -> Response:
        def expire(request: Request, form: dict[str, Any]) -> Response:
            session = self.sessions[request.path_params["id"]]
            if session["status"] != "open":
                return _bad("Only open sessions can be expired.", "session")
            session["status"] = "expired"
            return JSONResponse(session)

        return await self._call(request, expire)

    # --- the hosted page -----------------------------------------------------------------------
    async def _page(self: StripeDouble, request: Request) -> Response:
        session = self.sessions.get(request.path_params["id"])
        if session is None or self._expired(session):
            return HTMLResponse("<h1>This Checkout Session has expired</h1>", status_code=410)
        if request.method == "GET":
            return HTMLResponse(_form_page(session, None))
        form = parse_form(await request.body())
        with self._lock:
            return self.pay_session(request, session, form)

    def pay_session(
        self: StripeDouble, request: Request, session: dict[str, Any], form: dict[str, Any]
    ) -> Response:
        """The customer's card typed on the page: tokenized, charged, the session completed."""
        if session["status"] == "complete":
            return RedirectResponse(session["success_url"], status_code=303)
        month, _, year = str(form.get("exp", "")).partition("/")
        card = {"number": form.get("number", ""), "exp_month": month, "cvc": form.get("cvc", "")}
        card["exp_year"] = str(2000 + int(year)) if year.strip().isdigit() else ""
        made = self.create_method(request, {"card": card, "billing_details": {"name": "Ada"}})
        if made.status_code != 200:
            return HTMLResponse(_form_page(session, "Your card number is invalid."), 402)
        method = json.loads(bytes(made.body))
        intent_data = self.session_intent_data[session["id"]]
        charged = self.create_intent(
            request,
            {
                "amount": str(session["amount_total"]),
                "currency": session["currency"],
                "customer": session["customer"],
                "payment_method": method["id"],
                "metadata": intent_data.get("metadata", {}),
                "setup_future_usage": intent_data.get("setup_future_usage"),
            },
        )
        intent = json.loads(bytes(charged.body))
        if charged.status_code != 200 or intent.get("status") != "succeeded":
            return HTMLResponse(_form_page(session, "Your card was declined."), 402)
        session.update(status="complete", payment_status="paid", payment_intent=intent["id"])
        self._emit("checkout.session.completed", session)
        return RedirectResponse(session["success_url"], status_code=303)

    @staticmethod
    def _expired(session: dict[str, Any]) -> bool:
        return session["status"] == "expired" or session["expires_at"] < time.time()


def _form_page(session: dict[str, Any], error: str | None) -> str:
    alert = f"<p role='alert'>{html.escape(error)}</p>" if error else ""
    amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
    return (
        f"<!doctype html><title>Stripe Checkout (double)</title><h1>Pay {amount}</h1>{alert}"
        f"<form method='post'><input name='number'><input name='exp'><input name='cvc'>"
        f"<button>Pay</button></form>"
    )

"""The sandbox's secure payment page for a payment link, served on the credits server.

The sandbox plays the card processor here: a card posted to the page is checked and tokenized
on the spot (as its tokenization endpoint does), and only the token goes to the credits
server's side (`PaymentPages.pay`), which makes the top-up. The number and CVC are never
stored, logged or sent back: after a decline or a typing mistake the form is shown again with
the name and expiry only. Plain HTML forms, no script; every POST carries the link's form
secret (CSRF).
"""

from __future__ import annotations

import re
import secrets
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from credits_core.money import format_money
from credits_server.cards import check_card
from credits_server.errors import Conflict, DomainError, Gone, Invalid, NotFound
from credits_server.gateway.pages import gone_page, message_page, missing_page, page
from credits_server.gateway.sandbox.gateway import PAY_PATH, SandboxGateway

if TYPE_CHECKING:
    from credits_server.context import Context
    from credits_server.gateway.base import PageView, PaymentPages

# Each problem with a typed card under the field the page shows it by.
_FIELDS = {"number": "number", "exp_month": "exp", "exp_year": "exp", "cvc": "cvc"}


def _form(request_body: bytes) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(request_body.decode()).items()}


def _expiry(text: str) -> tuple[int, int]:
    """MM/YY (or MM/YYYY) as typed; (0, 0) when it is neither."""
    digits = re.sub(r"\D", "", text)
    if len(digits) in (4, 6):
        return int(digits[:2]), int(digits[2:])
    return 0, 0


def _field(
    name: str,
    label: str,
    autocomplete: str,
    value: str = "",
    error: str | None = None,
    **extra: str,
) -> str:
    described = f' aria-describedby="{name}-error" aria-invalid="true"' if error else ""
    more = "".join(f' {key.replace("_", "-")}="{escape(v)}"' for key, v in extra.items())
    shown = f'<p class="field-error" id="{name}-error">{escape(error)}</p>' if error else ""
    return (
        f'<div><label for="{name}">{escape(label)}</label>'
        f'<input id="{name}" name="{name}" autocomplete="{autocomplete}" value="{escape(value)}"'
        f"{more}{described}>{shown}</div>"
    )


def _heading(view: PageView) -> str:
    amount = escape(format_money(view.amount, view.currency))
    return (
        f"<h1>Pay {escape(view.account_name)}</h1>"
        f'<p class="for">Calling credit for {escape(view.account_name)}</p>'
        f'<p class="amount">{amount}</p>'
    )


def pay_form(
    view: PageView,
    token: str,
    *,
    name: str = "",
    expiry: str = "",
    alert: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    errors = errors or {}
    alert = alert or view.failure_message
    amount = escape(format_money(view.amount, view.currency))
    saved = (
        '<p class="note">The card will be saved for auto-recharge.</p>' if view.save_card else ""
    )
    body = (
        _heading(view)
        + (f'<p class="alert" role="alert">{escape(alert)}</p>' if alert else "")
        + f'<form method="post" action="{PAY_PATH}/{escape(token)}" novalidate>'
        + f'<input type="hidden" name="form_secret" value="{escape(view.form_secret)}">'
        + _field("name", "Name on card", "cc-name", name, errors.get("name"))
        + _field(
            "number",
            "Card number",
            "cc-number",
            "",
            errors.get("number"),
            inputmode="numeric",
            maxlength="23",
            spellcheck="false",
        )
        + '<div class="pair">'
        + _field(
            "exp",
            "Expiry (MM/YY)",
            "cc-exp",
            expiry,
            errors.get("exp"),
            inputmode="numeric",
            maxlength="7",
        )
        + _field(
            "cvc",
            "Security code",
            "cc-csc",
            "",
            errors.get("cvc"),
            inputmode="numeric",
            maxlength="4",
        )
        + "</div>"
        + f'<button type="submit">Pay {amount}</button></form>{saved}'
        + '<p class="note">Sandbox: no real card is charged.</p>'
    )
    return page(f"Pay {format_money(view.amount, view.currency)}", body, status)


def confirm_page(view: PageView, token: str) -> HTMLResponse:
    action = f"{PAY_PATH}/{escape(token)}/confirm"
    secret = f'<input type="hidden" name="form_secret" value="{escape(view.form_secret)}">'
    card = escape(view.card_label or "your card")
    body = (
        _heading(view)
        + f"<h2>Your bank asks you to confirm</h2><p>Confirm the payment with {card}.</p>"
        + f'<form method="post" action="{action}">{secret}'
        + '<button type="submit" name="result" value="approve">Confirm payment</button>'
        + '<button class="quiet" type="submit" name="result" value="decline">Cancel</button>'
        + "</form>"
    )
    return page("Confirm your payment", body)


def shown(view: PageView, token: str) -> HTMLResponse:
    """The page for the link as it stands."""
    if view.state == "paid":
        amount = escape(format_money(view.amount, view.currency))
        body = (
            f'<h1 class="done">Payment done</h1><p>{amount} of calling credit for '
            f"{escape(view.account_name)}.</p><p>You can close this page and return to the "
            "terminal.</p>"
        )
        return page("Payment done", body)
    if view.state == "confirming":
        return confirm_page(view, token)
    if view.state == "processing":
        body = _heading(view) + "<p>Your payment is being processed. This page refreshes.</p>"
        return page("Payment in progress", body, refresh_seconds=3)
    return pay_form(view, token)


def _refused(error: DomainError) -> HTMLResponse:
    if isinstance(error, Gone):
        return gone_page(error.code)
    return missing_page()


def make_page_router(pages: PaymentPages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    async def current(ctx: Context, token: str, form: dict[str, str]) -> PageView | HTMLResponse:
        try:
            view = await pages.view(ctx, token)
        except (Gone, NotFound) as error:
            return _refused(error)
        if not secrets.compare_digest(form.get("form_secret", ""), view.form_secret):
            return message_page("This form has expired", "Open the payment link again to pay.", 403)
        return view

    @router.get(PAY_PATH + "/{token}", response_class=HTMLResponse)
    async def show(request: Request, token: str) -> HTMLResponse:
        try:
            return shown(await pages.view(request.app.state.context, token), token)
        except (Gone, NotFound) as error:
            return _refused(error)

    @router.post(PAY_PATH + "/{token}", response_class=HTMLResponse)
    async def pay(request: Request, token: str) -> HTMLResponse:
        ctx: Context = request.app.state.context
        form = _form(await request.body())
        view = await current(ctx, token, form)
        if isinstance(view, HTMLResponse):
            return view
        if view.state != "open":
            return shown(view, token)
        name, expiry = form.get("name", "")[:200], form.get("exp", "")[:7]
        month, year = _expiry(expiry)
        try:
            card = check_card(form.get("number", ""), month, year, form.get("cvc", ""), name)
        except Invalid as error:
            errors = {_FIELDS.get(p.field, "number"): p.message for p in error.errors}
            if month == 0:
                errors["exp"] = "Type the expiry as MM/YY."
            alert = "Check the card details below."
            return pay_form(
                view, token, name=name, expiry=expiry, alert=alert, errors=errors, status=422
            )
        gateway = ctx.gateway
        assert isinstance(gateway, SandboxGateway)
        saved = await gateway.tokenize(card)
        try:
            after = await pages.pay(ctx, token, saved.token)
        except (Gone, NotFound) as error:
            return _refused(error)
        except Conflict:
            after = await pages.view(ctx, token)
        if after.state == "open":
            return pay_form(after, token, name=name, expiry=expiry, status=402)
        return shown(after, token)

    @router.post(PAY_PATH + "/{token}/confirm", response_class=HTMLResponse)
    async def confirm(request: Request, token: str) -> HTMLResponse:
        ctx: Context = request.app.state.context
        form = _form(await request.body())
        view = await current(ctx, token, form)
        if isinstance(view, HTMLResponse):
            return view
        try:
            after = await pages.confirm(ctx, token, form.get("result") == "approve")
        except (Gone, NotFound) as error:
            return _refused(error)
        return shown(after, token)

    return router

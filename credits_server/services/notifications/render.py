"""What a message says: an email's subject, plain text and HTML, and a webhook's JSON body.
Pure functions of the stored message (with its secret part, while it has one), so every delivery
of a message says the same."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from credits_core import notifications as k
from credits_core.cards import brand_of
from credits_core.money import format_money
from credits_core.roles import ROLE_TEXT, Role


@dataclass(frozen=True, slots=True)
class Email:
    subject: str
    text: str
    html: str


def webhook_body(message_id: str, account_id: str, stored: str) -> bytes:
    """`{id, type, created_at, account_id, data}`: `id` is the same on every delivery."""
    body = json.loads(stored)
    return json.dumps(
        {
            "id": message_id,
            "type": body["type"],
            "created_at": body["created_at"],
            "account_id": account_id,
            "data": body["data"],
        },
        separators=(",", ":"),
    ).encode()


def email(
    message_id: str,
    account_name: str,
    currency: str,
    stored: str,
    receipt: str | None = None,
    secret: str | None = None,
) -> Email:
    """The message's email; a payment's carries its numbered receipt's text when there is one,
    an invitation its code (the message's secret) and the account's name."""
    body = json.loads(stored)
    data = {"currency": currency, **body["data"]}
    if receipt is not None and isinstance(data.get("topup"), dict):
        data["topup"] = {**data["topup"], "receipt_text": receipt}
    if body["type"] == k.INVITATION:
        subject, lines = _invitation(account_name, data, secret or "")
    else:
        subject, lines = _words(body["type"], data)
    lines = [*lines, "", f"Account: {account_name}", f"Message id: {message_id}"]
    text = "\n".join(lines) + "\n"
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    page = f"<!doctype html><html><body><h1>{html.escape(subject)}</h1>{paragraphs}</body></html>"
    return Email(subject=subject, text=text, html=page)


def _money(data: dict[str, Any], amount_key: str = "amount") -> str:
    return format_money(int(data[amount_key]), str(data["currency"]))


def _receipt(topup: dict[str, Any]) -> list[str]:
    """The numbered receipt's text, or the payment's own facts when it has none."""
    if isinstance(topup.get("receipt_text"), str):
        return str(topup["receipt_text"]).splitlines()
    card = topup.get("payment_method")
    return [
        f"Date: {topup.get('created_at', '')}",
        f"Amount: {format_money(int(topup['amount']), str(topup['currency']))}",
        f"Card: {_card(card)}" if card else "Card: a card not saved on the account",
        f"Payment: {topup.get('id', '')}",
    ]


def _card(card: dict[str, Any]) -> str:
    return f"{brand_of(str(card['brand'])).name} ending {card['last4']}"


def _words(kind: str, data: dict[str, Any]) -> tuple[str, list[str]]:
    if kind == "low_balance":
        balance = _money(data, "balance")
        return "Low balance", [
            f"The balance fell below its warning level; it is now {balance}.",
            "Top up in credits-tui, or turn auto-recharge on, so calls keep working.",
        ]
    if kind == "auto_recharge.succeeded":
        lines = [f"Auto-recharge added {_money(data)}."]
        if isinstance(data.get("topup"), dict):
            lines += ["", *_receipt(data["topup"])]
        return f"Auto-recharge: {_money(data)} added", lines
    if kind == "auto_recharge.failed":
        code = str(data.get("failure_code") or "unknown").replace("_", " ")
        return "Auto-recharge failed", [
            f"An auto-recharge of {_money(data)} did not go through ({code}).",
            "It is tried again (with the backup card if one is set).",
        ]
    if kind == "auto_recharge.disabled":
        return "URGENT: auto-recharge is switched off", [
            str(data.get("reason", "Auto-recharge was switched off.")),
            "Calls stop when the balance runs out. Check the card in credits-tui, then save the"
            " auto-recharge settings again or top up by hand to turn it back on.",
        ]
    if kind == "topup.succeeded":
        topup = data["topup"]
        return f"Receipt: {format_money(int(topup['amount']), str(topup['currency']))} added", [
            "Thank you for your payment.",
            "",
            *_receipt(topup),
        ]
    if kind == "support_request.received":
        item = data["support_request"]
        return f"Support request {item['reference']} received", [
            f"We received your request {item['reference']} and will answer at {item['contact']}.",
        ]
    if kind == "support.answered":
        closed = " and closed" if data.get("status") == "closed" else ""
        return f"Support request {data['reference']} answered", [
            f"Your support request {data['reference']} was answered{closed}:",
            "",
            *str(data.get("answer", "")).splitlines(),
        ]
    if kind in ("payment_method.saved", "payment_method.removed"):
        card = _card(data["payment_method"])
        done = "saved" if kind.endswith("saved") else "removed"
        return f"Card {done}: {card}", [
            f"The card {card} was {done} on the account.",
            "If this was not you, sign in to credits-tui and check the account's cards.",
        ]
    if kind == k.TARGET_DISABLED:
        return f"URGENT: notifications to {data['address']} are switched off", [
            f"Notifications to {data['address']} failed for days and were switched off.",
            f"Last error: {data.get('error', '')}",
            "Fix the endpoint, then add it again in credits-tui (Notifications).",
        ]
    if kind == k.TEST:
        return "Test notification", ["This is a test: notifications reach this address."]
    return kind, [json.dumps(data, sort_keys=True)]


def _invitation(account: str, data: dict[str, Any], code: str) -> tuple[str, list[str]]:
    """Who invited whom to which account, the role, the code (and its link, when the server has a
    public URL), until when, and how to use it."""
    account = " ".join(account.split())  # it goes in the subject: one line
    role = Role(str(data["role"]))
    link = [f"Or open {data['page']}#{code}"] if data.get("page") and code else []
    return f"Your invitation to {account} on Credits", [
        f"{data['invited_by']} invited you to the Credits account {account} as {role}"
        f" ({ROLE_TEXT[role]}).",
        "",
        f"Your one-time invitation code: {code}",
        *link,
        "",
        "To join: in credits-tui, on the sign-in screen, press ctrl+n (I have an invitation),"
        f" then type the code, this email address ({data['email']}) and a new password.",
        f"The code works once, for {data['email']} only, until {data['expires']}.",
        "If you did not expect this invitation, ignore this email.",
    ]

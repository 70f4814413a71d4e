"""Rows to response bodies: the one place each object's representation is built.

The API answers with these and the events carry them, so an event payload and an API answer for
the same object can never differ. Nothing here reads the database or knows HTTP: callers pass
what a representation shows beyond its row (a top-up's saved card, its 3-D Secure page).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

from credits_core.auto_recharge import FIELDS as AUTO_RECHARGE_FIELDS
from credits_server import schemas
from credits_server.models import (
    Account,
    AuditEvent,
    AutoRechargeSettings,
    LedgerEntry,
    PaymentLink,
    PaymentMethod,
    Receipt,
    SshKey,
    SupportRequest,
    Topup,
    User,
)
from credits_server.settings import Settings


def user_out(user: User) -> schemas.UserOut:
    return schemas.UserOut(id=user.id, email=user.email, role=user.role, account_id=user.account_id)


def ssh_key_out(row: SshKey) -> schemas.SshKeyOut:
    return schemas.SshKeyOut(
        id=row.id, fingerprint=row.fingerprint, comment=row.comment, created_at=row.created_at
    )


def account_out(account: Account, low_balance_level: int) -> schemas.AccountOut:
    return schemas.AccountOut(
        id=account.id,
        name=account.name,
        currency=account.currency,
        balance=account.balance,
        low_balance=account.balance < low_balance_level,
        low_balance_level=low_balance_level,
    )


def transaction_id(entry_id: int) -> str:
    return f"txn_{entry_id}"


def daily_balances_out(currency: str, days: Iterable[tuple[date, int]]) -> schemas.DailyBalancesOut:
    data = [schemas.DailyBalanceOut(date=day, balance=balance) for day, balance in days]
    return schemas.DailyBalancesOut(currency=currency, data=data)


def transaction_out(entry: LedgerEntry, receipt_id: str | None = None) -> schemas.TransactionOut:
    return schemas.TransactionOut.model_validate(
        {
            "id": transaction_id(entry.id),
            "kind": entry.kind,
            "amount": entry.amount,
            "balance_after": entry.balance_after,
            "created_at": entry.created_at,
            "description": entry.description,
            "receipt_id": receipt_id,
        }
    )


def receipt_out(receipt: Receipt, lines: list[tuple[str, str]], text: str) -> schemas.ReceiptOut:
    """`lines` and `text`: the receipt as services.receipts shows it."""
    return schemas.ReceiptOut.model_validate(
        {
            "id": receipt.id,
            "number": receipt.number,
            "issued_at": receipt.issued_at,
            "kind": receipt.kind,
            "amount": receipt.amount,
            "currency": receipt.currency,
            "tax_amount": receipt.tax_amount,
            "tax_rate_basis_points": receipt.tax_rate_basis_points,
            "card_brand": receipt.card_brand,
            "card_last4": receipt.card_last4,
            "account_name": receipt.account_name,
            "seller_name": receipt.seller,
            "topup_id": receipt.topup_id,
            "transaction_id": transaction_id(receipt.ledger_entry_id),
            "lines": [{"label": label, "value": value} for label, value in lines],
            "text": text,
        }
    )


def payment_method_out(method: PaymentMethod) -> schemas.PaymentMethodOut:
    return schemas.PaymentMethodOut(
        id=method.id,
        brand=method.brand,
        last4=method.last4,
        exp_month=method.exp_month,
        exp_year=method.exp_year,
        name=method.name,
        is_default=method.is_default,
        created_at=method.created_at,
    )


def topup_out(
    topup: Topup, method: PaymentMethod | None, action_url: str | None = None
) -> schemas.TopupOut:
    """`method` is the saved card the top-up used (None for a one-off card, shown from the
    top-up's own copy); `action_url` the page that finishes a `requires_action` one."""
    shown = (
        payment_method_out(method)
        if method is not None
        else schemas.PaymentMethodOut(
            id=None,
            brand=topup.card_brand,
            last4=topup.card_last4,
            exp_month=topup.card_exp_month,
            exp_year=topup.card_exp_year,
            name=topup.card_name,
        )
    )
    return schemas.TopupOut.model_validate(
        {
            "id": topup.id,
            "amount": topup.amount,
            "currency": topup.currency,
            "status": topup.status,
            "failure_code": topup.failure_code,
            "failure_message": topup.failure_message,
            "action_url": action_url,
            "payment_method": shown,
            "balance_after": topup.balance_after,
            "created_at": topup.created_at,
        }
    )


def auto_recharge_out(settings: Settings, row: AutoRechargeSettings) -> schemas.AutoRechargeOut:
    attempt = None
    if row.last_attempt_status is not None and row.last_attempt_at is not None:
        attempt = schemas.AutoRechargeAttempt(
            status=row.last_attempt_status,
            failure_code=row.last_attempt_failure_code,
            at=row.last_attempt_at,
        )
    bounds = schemas.AutoRechargeBounds(
        threshold_min=settings.threshold_min,
        threshold_max=settings.threshold_max,
        amount_min=settings.recharge_amount_min,
        amount_max=settings.recharge_amount_max,
        step=settings.recharge_step,
    )
    return schemas.AutoRechargeOut.model_validate(
        {name: getattr(row, name) for name in AUTO_RECHARGE_FIELDS}
        | {"disabled_reason": row.disabled_reason, "last_attempt": attempt, "bounds": bounds}
    )


def support_out(item: SupportRequest) -> schemas.SupportOut:
    return schemas.SupportOut(
        id=item.id,
        reference=item.reference,
        amount=item.amount,
        currency=item.currency,
        message=item.message,
        contact=item.contact,
        status="closed" if item.status == "closed" else "open",
        created_at=item.created_at,
        answer=item.answer,
        answered_at=item.answered_at,
    )


def activity_out(row: AuditEvent) -> schemas.ActivityOut:
    return schemas.ActivityOut.model_validate(
        {
            "id": f"ae_{row.id}",
            "at": row.at,
            "action": row.action,
            "actor_kind": row.actor_kind,
            "actor": row.actor_label,
            "address": row.address,
            "object_id": row.object_id,
            "before": None if row.before is None else json.loads(row.before),
            "after": None if row.after is None else json.loads(row.after),
        }
    )


def payment_link_status(link: PaymentLink, now: datetime) -> str:
    """What the link's owner sees: paid, expired (unpaid past its expiry), else open."""
    if link.status == "paid":
        return "paid"
    if link.status == "expired" or link.expires_at <= now:
        return "expired"
    return "open"


def payment_link_out(
    link: PaymentLink, topup: schemas.TopupOut | None, url: str | None, now: datetime
) -> schemas.PaymentLinkOut:
    """`topup` is the top-up that paid the link (None until paid); `url` the link itself, known
    only to the request that made its token."""
    failure = None
    if link.last_failure_code is not None:
        failure = schemas.PaymentLinkFailure(
            code=link.last_failure_code, message=link.last_failure_message or ""
        )
    return schemas.PaymentLinkOut.model_validate(
        {
            "id": link.id,
            "url": url,
            "amount": link.amount,
            "currency": link.currency,
            "status": payment_link_status(link, now),
            "expires_at": link.expires_at,
            "save_card": link.save_card,
            "topup": topup if link.status == "paid" else None,
            "last_failure": failure,
            "created_at": link.created_at,
        }
    )

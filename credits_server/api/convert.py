"""Rows to response bodies."""

from __future__ import annotations

from credits_server.api import schemas
from credits_server.models import LedgerEntry, PaymentMethod, SupportRequest, User
from credits_server.services.accounts import AccountView


def user_out(user: User) -> schemas.UserOut:
    role = "owner" if user.role == "owner" else "member"
    return schemas.UserOut(id=user.id, email=user.email, role=role, account_id=user.account_id)


def account_out(view: AccountView) -> schemas.AccountOut:
    account = view.account
    return schemas.AccountOut(
        id=account.id,
        name=account.name,
        currency=account.currency,
        balance=account.balance,
        low_balance=view.low_balance,
        low_balance_level=view.low_balance_level,
    )


def transaction_id(entry_id: int) -> str:
    return f"txn_{entry_id}"


def transaction_out(entry: LedgerEntry) -> schemas.TransactionOut:
    return schemas.TransactionOut.model_validate(
        {
            "id": transaction_id(entry.id),
            "kind": entry.kind,
            "amount": entry.amount,
            "balance_after": entry.balance_after,
            "created_at": entry.created_at,
            "description": entry.description,
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
    )

"""Saved cards: only the gateway token, brand, last 4 and expiry are kept.

Card-testing defence: every card an account sends to be saved is recorded (`card_save_attempts`,
committed before the gateway is called, so refused cards and attempts whose answer was lost count
too, in every server process). Past `card_saves_max` in `card_saves_window_seconds` the save is
refused with 429 and the gateway is not called.
"""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from credits_server.context import Context
from credits_server.errors import Declined, FieldProblem, Invalid, RateLimited, not_found
from credits_server.gateway.base import CardRefused, SavedCard, failure_message
from credits_server.ids import new_id
from credits_server.ledger import lock_account
from credits_server.models import AutoRechargeSettings, CardSaveAttempt, PaymentMethod, utcnow
from credits_server.representations import payment_method_out
from credits_server.services import events


async def list_methods(ctx: Context, account_id: str) -> list[PaymentMethod]:
    async with ctx.db.read() as session:
        return await active_methods(session, account_id)


async def active_methods(session: AsyncSession, account_id: str) -> list[PaymentMethod]:
    return list(
        (
            await session.execute(
                select(PaymentMethod)
                .where(PaymentMethod.account_id == account_id, PaymentMethod.deleted_at.is_(None))
                .order_by(PaymentMethod.created_at, PaymentMethod.id)
            )
        ).scalars()
    )


async def find_method(session: AsyncSession, account_id: str, method_id: str) -> PaymentMethod:
    """The account's saved card, or 404 (another account's card does not exist for this one)."""
    method = await session.get(PaymentMethod, method_id)
    if method is None or method.account_id != account_id or method.deleted_at is not None:
        raise not_found("payment method")
    return method


async def save_tokenized(
    session: AsyncSession, account_id: str, card: SavedCard, name: str
) -> PaymentMethod:
    """Record a card the gateway has tokenized; the first card becomes the default."""
    has_default = any(m.is_default for m in await active_methods(session, account_id))
    method = PaymentMethod(
        id=new_id("pm"),
        account_id=account_id,
        gateway_token=card.token,
        brand=card.brand,
        last4=card.last4,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
        name=name,
        is_default=not has_default,
    )
    session.add(method)
    await session.flush()
    await _emit(session, "payment_method.saved", method)
    return method


async def _emit(session: AsyncSession, type_: str, method: PaymentMethod) -> None:
    card = payment_method_out(method).model_dump(mode="json")
    await events.emit(session, method.account_id, type_, {"payment_method": card})


async def described(ctx: Context, token: str, *, field: str) -> SavedCard:
    """The card behind a gateway token the app sent, or 422 naming `field`."""
    try:
        return await ctx.gateway.describe(token)
    except CardRefused:
        raise _unknown_token(field) from None


def _unknown_token(field: str) -> Invalid:
    return Invalid(
        "validation_error",
        "The payment gateway does not know this card; enter it again.",
        [FieldProblem(field, "invalid_payment_method", "Enter the card again.")],
    )


async def add_method(ctx: Context, account_id: str, token: str, name: str = "") -> PaymentMethod:
    """Save a card the app tokenized at the gateway (`token`), set up there for later
    off-session charges (auto-recharge); a card the issuer refuses is not saved."""
    await record_save_attempt(ctx, account_id)
    try:
        saved = await ctx.gateway.save_for_future(token, customer=account_id)
    except CardRefused as refused:
        if refused.code == "invalid_payment_method":
            raise _unknown_token("card_token") from None
        raise Declined(
            refused.code, failure_message(refused.code) or "The card was refused."
        ) from None
    async with ctx.db.write() as session:
        # The account's lock first, as every writer of an account takes it (see ledger.py):
        # on PostgreSQL two card changes at once must not both leave a default, or none.
        await lock_account(session, account_id)
        return await save_tokenized(session, account_id, saved, name or saved.name)


async def record_save_attempt(ctx: Context, account_id: str) -> None:
    """Count this attempt, or refuse it (429) when the account has used up the window's."""
    limit = ctx.settings.card_saves_max
    window = timedelta(seconds=ctx.settings.card_saves_window_seconds)
    now = utcnow()
    async with ctx.db.write() as session:
        # The account's lock first (see ledger.py): attempts at once, from any process, are
        # counted one after another, so they cannot all slip under the limit together.
        await lock_account(session, account_id)
        await session.execute(
            delete(CardSaveAttempt).where(
                CardSaveAttempt.account_id == account_id, CardSaveAttempt.at <= now - window
            )
        )
        recent = list(
            (
                await session.execute(
                    select(CardSaveAttempt.at)
                    .where(CardSaveAttempt.account_id == account_id)
                    .order_by(CardSaveAttempt.at.desc())
                    .limit(limit)
                )
            ).scalars()
        )
        if len(recent) < limit:
            session.add(CardSaveAttempt(account_id=account_id, at=now))
            return
    # Refused attempts are not recorded (they reach no gateway): the account may try again once
    # the oldest of the last `limit` attempts leaves the window.
    retry_after = max(1, math.ceil((recent[-1] + window - now).total_seconds()))
    raise RateLimited(
        "too_many_attempts",
        f"Too many cards tried on this account. Try again in {_wait_words(retry_after)}.",
        retry_after=retry_after,
    )


def _wait_words(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


async def set_default(ctx: Context, account_id: str, method_id: str) -> PaymentMethod:
    async with ctx.db.write() as session:
        await lock_account(session, account_id)
        method = await find_method(session, account_id, method_id)
        await session.execute(
            update(PaymentMethod)
            .where(PaymentMethod.account_id == account_id, PaymentMethod.id != method_id)
            .values(is_default=False)
        )
        method.is_default = True
        return method


async def delete_method(ctx: Context, account_id: str, method_id: str) -> None:
    async with ctx.db.write() as session:
        # Also keeps a concurrent auto-recharge save from being overwritten by the stale settings
        # row read below (PostgreSQL's READ COMMITTED would let both commit).
        await lock_account(session, account_id)
        method = await find_method(session, account_id, method_id)
        method.deleted_at = utcnow()
        method.is_default = False
        await session.flush()
        remaining = await active_methods(session, account_id)
        if remaining and not any(m.is_default for m in remaining):
            remaining[-1].is_default = True
        await _forget_in_auto_recharge(session, account_id, method_id)
        await _emit(session, "payment_method.removed", method)


async def _forget_in_auto_recharge(session: AsyncSession, account_id: str, method_id: str) -> None:
    recharge = await session.get(AutoRechargeSettings, account_id)
    if recharge is None:
        return
    changed = False
    if recharge.backup_payment_method_id == method_id:
        recharge.backup_payment_method_id = None
        changed = True
    if recharge.payment_method_id == method_id:
        recharge.payment_method_id = None
        changed = True
        if recharge.enabled:
            recharge.enabled = False
            recharge.disabled_reason = "The card used for auto-recharge was removed."
    if changed:
        recharge.version += 1
        recharge.updated_at = utcnow()

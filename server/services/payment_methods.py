"""Saved cards: only the gateway token, brand, last 4 and expiry are kept."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.cards import CardDetails
from server.context import Context
from server.errors import ServiceError, not_found
from server.gateway.base import CardRefused, SavedCard, failure_message
from server.ids import new_id
from server.ledger import lock_account
from server.models import AutoRechargeSettings, PaymentMethod, utcnow


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
    return method


async def add_method(ctx: Context, account_id: str, card: CardDetails) -> PaymentMethod:
    try:
        saved = await ctx.gateway.tokenize(card, for_future_use=True)
    except CardRefused as refused:
        raise ServiceError(
            402, refused.code, failure_message(refused.code) or "The card was refused."
        ) from None
    async with ctx.db.write() as session:
        # The account's lock first, as every writer of an account takes it (see server.ledger):
        # on PostgreSQL two card changes at once must not both leave a default, or none.
        await lock_account(session, account_id)
        return await save_tokenized(session, account_id, saved, card.name)


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

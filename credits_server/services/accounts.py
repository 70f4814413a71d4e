"""Accounts and users: creation (CLI, seeding, tests) and the account as the API shows it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from credits_core.roles import ROLES
from credits_server.context import Context
from credits_server.errors import Conflict, not_found
from credits_server.ids import new_id
from credits_server.models import Account, AutoRechargeSettings, User
from credits_server.security import normalise_email
from credits_server.settings import Settings


@dataclass(frozen=True, slots=True)
class AccountView:
    account: Account
    low_balance_level: int


async def create_account(
    session: AsyncSession, settings: Settings, name: str, currency: str | None = None
) -> Account:
    account = Account(
        id=new_id("acct"), name=name, currency=(currency or settings.currency).upper(), balance=0
    )
    session.add(account)
    await session.flush()
    session.add(default_auto_recharge(settings, account.id))
    await session.flush()
    return account


def default_auto_recharge(settings: Settings, account_id: str) -> AutoRechargeSettings:
    return AutoRechargeSettings(
        account_id=account_id,
        enabled=False,
        mode="add",
        threshold=max(settings.threshold_min, min(1000, settings.threshold_max)),
        amount=max(settings.recharge_amount_min, min(2500, settings.recharge_amount_max)),
        version=1,
    )


async def find_account_by_name(session: AsyncSession, name: str) -> Account | None:
    return (
        (await session.execute(select(Account).where(Account.name == name).order_by(Account.id)))
        .scalars()
        .first()
    )


async def find_user(session: AsyncSession, email: str) -> User | None:
    return (
        await session.execute(select(User).where(User.email == normalise_email(email)))
    ).scalar_one_or_none()


async def create_user(
    session: AsyncSession, account_id: str, email: str, password_hash: str, role: str
) -> User:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    if await find_user(session, email) is not None:
        raise Conflict("conflict", "A user with this email already exists.")
    user = User(
        id=new_id("user"),
        account_id=account_id,
        email=normalise_email(email),
        password_hash=password_hash,
        role=role,
    )
    session.add(user)
    await session.flush()
    return user


async def low_balance_level(session: AsyncSession, settings: Settings, account_id: str) -> int:
    recharge = await session.get(AutoRechargeSettings, account_id)
    if recharge is not None and recharge.enabled:
        return recharge.threshold
    return settings.low_balance_level


async def get_account(ctx: Context, account_id: str) -> AccountView:
    async with ctx.db.read() as session:
        account = await session.get(Account, account_id)
        if account is None:
            raise not_found("account")
        level = await low_balance_level(session, ctx.settings, account_id)
        return AccountView(account, level)

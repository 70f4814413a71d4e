"""What the people who run the service do to accounts, users, keys and support requests.

Called by `credits-server` commands (credits_server/cli_operators.py), which say who acts (the
audit trail names them); money moves only through the ledger, and each change that a signed-in
app must see goes out as an event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from credits_core.names import did_you_mean
from credits_server import ledger
from credits_server.context import Context
from credits_server.errors import Conflict, Invalid, NotFound
from credits_server.models import Account, ApiKey, SessionToken, SupportRequest, User, utcnow
from credits_server.security import normalise_email
from credits_server.services.events import emit, emit_balance


@dataclass(frozen=True, slots=True)
class AccountRow:
    account: Account
    users: int


async def list_accounts(ctx: Context) -> list[AccountRow]:
    async with ctx.db.read() as session:
        rows = await session.execute(
            select(User.account_id, func.count()).group_by(User.account_id)
        )
        counts: dict[str, int] = {account_id: users for account_id, users in rows}
        accounts = (await session.execute(select(Account).order_by(Account.created_at))).scalars()
        return [AccountRow(account, counts.get(account.id, 0)) for account in accounts]


async def list_users(ctx: Context, account_id: str | None = None) -> Sequence[User]:
    async with ctx.db.read() as session:
        if account_id is not None:
            await find_account(session, account_id)
        query = select(User).order_by(User.created_at)
        if account_id is not None:
            query = query.where(User.account_id == account_id)
        return list((await session.execute(query)).scalars())


async def find_account(session: AsyncSession, account_id: str) -> Account:
    account = await session.get(Account, account_id)
    if account is None:
        known = (await session.execute(select(Account.id))).scalars()
        raise NotFound("not_found", f"no account {account_id!r}{did_you_mean(account_id, known)}")
    return account


async def find_user_by_email(session: AsyncSession, email: str) -> User:
    wanted = normalise_email(email)
    user = (await session.execute(select(User).where(User.email == wanted))).scalar_one_or_none()
    if user is None:
        known = (await session.execute(select(User.email))).scalars()
        raise NotFound("not_found", f"no user {email!r}{did_you_mean(wanted, known)}")
    return user


async def set_disabled(ctx: Context, email: str, disabled: bool) -> User:
    """Disable (their sessions end and sign-in is refused) or enable a user again."""
    async with ctx.db.write() as session:
        user = await find_user_by_email(session, email)
        if disabled and user.disabled_at is None:
            user.disabled_at = utcnow()
            await session.execute(delete(SessionToken).where(SessionToken.user_id == user.id))
        elif not disabled:
            user.disabled_at = None
        return user


async def list_api_keys(ctx: Context) -> Sequence[ApiKey]:
    async with ctx.db.read() as session:
        return list((await session.execute(select(ApiKey).order_by(ApiKey.created_at))).scalars())


async def revoke_api_key(ctx: Context, key_id: str) -> ApiKey:
    """Revoke a key; servers refuse it within `api_key_cache_seconds`."""
    async with ctx.db.write() as session:
        key = await session.get(ApiKey, key_id)
        if key is None:
            known = (await session.execute(select(ApiKey.id))).scalars()
            raise NotFound("not_found", f"no API key {key_id!r}{did_you_mean(key_id, known)}")
        if key.revoked_at is None:
            key.revoked_at = utcnow()
        return key


async def post_money(
    ctx: Context, account_id: str, kind: str, amount: int, reason: str
) -> ledger.Posted:
    """An adjustment (either way) or a refund (a credit) with the operator's reason, through the
    ledger; the account's apps see the new balance at once (balance.updated)."""
    if not reason.strip():
        raise Invalid("reason_required", "say why (--reason)")
    if amount == 0 or (kind == "refund" and amount < 0):
        raise Invalid("bad_amount", f"a {kind} needs an amount above zero")
    async with ctx.db.write() as session:
        await find_account(session, account_id)
        posted = await ledger.post(
            session, account_id, kind=kind, amount=amount, description=reason.strip()
        )
        await emit_balance(session, account_id)
        return posted


async def list_support(ctx: Context, status: str | None = None) -> Sequence[SupportRequest]:
    async with ctx.db.read() as session:
        query = select(SupportRequest).order_by(SupportRequest.created_at)
        if status is not None:
            query = query.where(SupportRequest.status == status)
        return list((await session.execute(query)).scalars())


async def _find_request(session: AsyncSession, reference: str) -> SupportRequest:
    wanted = reference.strip().upper()
    item = (
        await session.execute(
            select(SupportRequest).where(
                (SupportRequest.reference == wanted) | (SupportRequest.id == reference)
            )
        )
    ).scalar_one_or_none()
    if item is None:
        known = (await session.execute(select(SupportRequest.reference))).scalars()
        raise NotFound(
            "not_found", f"no support request {reference!r}{did_you_mean(wanted, known)}"
        )
    return item


async def answer_support(
    ctx: Context, reference: str, answer: str, close: bool = False
) -> SupportRequest:
    """Answer a request; the user's app shows it at once (support.answered)."""
    if not answer.strip():
        raise Invalid("answer_required", "the answer is empty")
    async with ctx.db.write() as session:
        item = await _find_request(session, reference)
        item.answer = answer.strip()
        item.answered_at = utcnow()
        if close:
            item.status = "closed"
        await emit(
            session,
            item.account_id,
            "support.answered",
            {
                "id": item.id,
                "reference": item.reference,
                "answer": item.answer,
                "status": item.status,
            },
        )
        return item


async def close_support(ctx: Context, reference: str) -> SupportRequest:
    async with ctx.db.write() as session:
        item = await _find_request(session, reference)
        if item.status == "closed":
            raise Conflict("already_closed", f"{item.reference} is already closed")
        item.status = "closed"
        return item


def when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")

"""Support requests: how an owner asks for a top-up above the maximum.

A request may carry an Idempotency-Key (unique per account, as for top-ups): a repeat of the key
with the same body answers the request filed first, so a retry after a lost answer files nothing
new; another body under the same key is refused.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from credits_server.context import Caller, Context
from credits_server.errors import FieldProblem, Invalid, invalid
from credits_server.ids import new_id
from credits_server.models import Account, SupportRequest
from credits_server.representations import support_out
from credits_server.services import events


def fingerprint(amount: int, message: str, contact: str) -> str:
    """Hash of what was asked, to tell a repeat of a key from another request under it."""
    return hashlib.sha256(json.dumps([amount, message, contact]).encode()).hexdigest()


async def create_request(
    ctx: Context,
    caller: Caller,
    amount: int,
    message: str,
    contact: str,
    idempotency_key: str | None = None,
) -> tuple[SupportRequest, bool]:
    """The request: (row, True) when filed now, (row, False) when replayed for its key."""
    problems = []
    if amount <= 0:
        problems.append(FieldProblem("amount", "out_of_range", "Enter an amount above zero."))
    if not contact.strip():
        problems.append(FieldProblem("contact", "required", "Say how we can reach you."))
    if problems:
        raise invalid(problems)
    message, contact = message.strip(), contact.strip()
    wanted = fingerprint(amount, message, contact)
    if idempotency_key is not None:
        async with ctx.db.read() as session:
            existing = await _by_key(session, caller.account_id, idempotency_key)
        if existing is not None:
            return _replay(existing, wanted), False
    try:
        async with ctx.db.write() as session:
            if idempotency_key is not None:
                raced = await _by_key(session, caller.account_id, idempotency_key)
                if raced is not None:
                    return _replay(raced, wanted), False
            account = await session.get(Account, caller.account_id)
            assert account is not None
            item = SupportRequest(
                id=new_id("sr"),
                reference=f"SR-{secrets.token_hex(3).upper()}",
                account_id=caller.account_id,
                user_id=caller.user_id,
                amount=amount,
                currency=account.currency,
                message=message,
                contact=contact,
                status="open",
                idempotency_key=idempotency_key,
                request_hash=wanted if idempotency_key is not None else None,
            )
            session.add(item)
            await session.flush()
            await events.emit(
                session,
                caller.account_id,
                "support_request.received",
                {"support_request": support_out(item).model_dump(mode="json")},
            )
    except IntegrityError:
        if idempotency_key is None:
            raise
        # PostgreSQL: a concurrent repeat of the key was filed first; answer that one.
        async with ctx.db.read() as session:
            raced = await _by_key(session, caller.account_id, idempotency_key)
        if raced is None:
            raise
        return _replay(raced, wanted), False
    return item, True


async def _by_key(session: AsyncSession, account_id: str, key: str) -> SupportRequest | None:
    result = await session.execute(
        select(SupportRequest).where(
            SupportRequest.account_id == account_id, SupportRequest.idempotency_key == key
        )
    )
    return result.scalar_one_or_none()


def _replay(item: SupportRequest, wanted: str) -> SupportRequest:
    if item.request_hash != wanted:
        raise Invalid(
            "idempotency_key_reused",
            "This Idempotency-Key was used for a different request.",
        )
    return item


async def list_requests(ctx: Context, account_id: str) -> Sequence[SupportRequest]:
    async with ctx.db.read() as session:
        result = await session.execute(
            select(SupportRequest)
            .where(SupportRequest.account_id == account_id)
            .order_by(SupportRequest.created_at.desc())
        )
        return list(result.scalars())

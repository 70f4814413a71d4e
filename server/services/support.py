"""Support requests: how an owner asks for a top-up above the maximum."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import select

from server.context import Caller, Context
from server.errors import FieldProblem, invalid
from server.ids import new_id
from server.models import Account, SupportRequest


async def create_request(
    ctx: Context, caller: Caller, amount: int, message: str, contact: str
) -> SupportRequest:
    problems = []
    if amount <= 0:
        problems.append(FieldProblem("amount", "out_of_range", "Enter an amount above zero."))
    if not contact.strip():
        problems.append(FieldProblem("contact", "required", "Say how we can reach you."))
    if problems:
        raise invalid(problems)
    async with ctx.db.write() as session:
        account = await session.get(Account, caller.account_id)
        assert account is not None
        item = SupportRequest(
            id=new_id("sr"),
            reference=f"SR-{secrets.token_hex(3).upper()}",
            account_id=caller.account_id,
            user_id=caller.user_id,
            amount=amount,
            currency=account.currency,
            message=message.strip(),
            contact=contact.strip(),
            status="open",
        )
        session.add(item)
        return item


async def list_requests(ctx: Context, account_id: str) -> Sequence[SupportRequest]:
    async with ctx.db.read() as session:
        result = await session.execute(
            select(SupportRequest)
            .where(SupportRequest.account_id == account_id)
            .order_by(SupportRequest.created_at.desc())
        )
        return list(result.scalars())

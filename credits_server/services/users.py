"""Creating users for operators (CLI) and tests: account found by name or created."""

from __future__ import annotations

import anyio

from credits_server.context import Context
from credits_server.models import User
from credits_server.security import hash_password
from credits_server.services.accounts import create_account, create_user, find_account_by_name


async def create_user_with_account(
    ctx: Context, email: str, account_name: str, role: str, password: str
) -> User:
    password_hash = await anyio.to_thread.run_sync(hash_password, password)
    async with ctx.db.write() as session:
        account = await find_account_by_name(session, account_name)
        if account is None:
            account = await create_account(session, ctx.settings, account_name)
        return await create_user(session, account.id, email, password_hash, role)

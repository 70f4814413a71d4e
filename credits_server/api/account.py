"""The account, its ledger, and the top-up options."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from credits_server.api.deps import ContextDep, ReaderDep
from credits_server.representations import account_out, daily_balances_out, transaction_out
from credits_server.schemas import (
    AccountOut,
    DailyBalancesOut,
    LedgerKind,
    Page,
    TopupOptionsOut,
    TransactionOut,
)
from credits_server.services.accounts import get_account
from credits_server.services.daily_balances import daily_balances
from credits_server.services.transactions import list_transactions

router = APIRouter(tags=["account"])


@router.get("/v1/account", response_model=AccountOut)
async def account(ctx: ContextDep, caller: ReaderDep) -> AccountOut:
    view = await get_account(ctx, caller.account_id)
    return account_out(view.account, view.low_balance_level)


@router.get("/v1/account/transactions", response_model=Page[TransactionOut])
async def transactions(
    ctx: ContextDep,
    caller: ReaderDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[LedgerKind | None, Query()] = None,
) -> Page[TransactionOut]:
    entries, next_cursor = await list_transactions(
        ctx, caller.account_id, limit=limit, cursor=cursor, kind=kind
    )
    return Page[TransactionOut](
        data=[transaction_out(*row) for row in entries], next_cursor=next_cursor
    )


@router.get("/v1/account/daily-balances", response_model=DailyBalancesOut)
async def account_daily_balances(
    ctx: ContextDep, caller: ReaderDep, start: date, end: date
) -> DailyBalancesOut:
    balances = await daily_balances(ctx, caller.account_id, start, end)
    return daily_balances_out(balances.currency, balances.days)


@router.get("/v1/topup-options", response_model=TopupOptionsOut)
async def topup_options(ctx: ContextDep, caller: ReaderDep) -> TopupOptionsOut:
    view = await get_account(ctx, caller.account_id)
    settings = ctx.settings
    return TopupOptionsOut(
        currency=view.account.currency,
        presets=list(settings.topup_presets),
        min=settings.topup_min,
        max=settings.topup_max,
    )

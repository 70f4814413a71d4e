"""GET/PUT /v1/auto-recharge with ETag and If-Match."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from credits_server.api.deps import ContextDep, ReaderDep, RechargerDep
from credits_server.representations import auto_recharge_out
from credits_server.schemas import AutoRechargeBody, AutoRechargeOut
from credits_server.services import auto_recharge

router = APIRouter(tags=["auto-recharge"])


@router.get("/v1/auto-recharge", response_model=AutoRechargeOut)
async def get_auto_recharge(
    ctx: ContextDep, caller: ReaderDep, response: Response
) -> AutoRechargeOut:
    row = await auto_recharge.get_settings(ctx, caller.account_id)
    response.headers["ETag"] = auto_recharge.etag_of(row)
    return auto_recharge_out(ctx.settings, row)


@router.put("/v1/auto-recharge", response_model=AutoRechargeOut)
async def put_auto_recharge(
    ctx: ContextDep,
    caller: RechargerDep,
    response: Response,
    body: AutoRechargeBody,
    if_match: Annotated[str | None, Header(alias="If-Match", max_length=200)] = None,
) -> AutoRechargeOut:
    row = await auto_recharge.save_settings(ctx, caller.account_id, if_match, body)
    response.headers["ETag"] = auto_recharge.etag_of(row)
    return auto_recharge_out(ctx.settings, row)

"""GET/PUT /v1/auto-recharge with ETag and If-Match."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from credits_server.api.deps import CallerDep, ContextDep, OwnerDep
from credits_server.api.schemas import (
    AutoRechargeAttempt,
    AutoRechargeBody,
    AutoRechargeBounds,
    AutoRechargeOut,
)
from credits_server.models import AutoRechargeSettings
from credits_server.services import auto_recharge
from credits_server.settings import Settings

router = APIRouter(tags=["auto-recharge"])


def auto_recharge_out(settings: Settings, row: AutoRechargeSettings) -> AutoRechargeOut:
    attempt = None
    if row.last_attempt_status is not None and row.last_attempt_at is not None:
        attempt = AutoRechargeAttempt(
            status=row.last_attempt_status,
            failure_code=row.last_attempt_failure_code,
            at=row.last_attempt_at,
        )
    return AutoRechargeOut(
        enabled=row.enabled,
        mode="top_up_to" if row.mode == "top_up_to" else "add",
        threshold=row.threshold,
        amount=row.amount,
        target=row.target,
        payment_method_id=row.payment_method_id,
        backup_payment_method_id=row.backup_payment_method_id,
        daily_limit=row.daily_limit,
        monthly_cap=row.monthly_cap,
        disabled_reason=row.disabled_reason,
        last_attempt=attempt,
        bounds=AutoRechargeBounds(
            threshold_min=settings.threshold_min,
            threshold_max=settings.threshold_max,
            amount_min=settings.recharge_amount_min,
            amount_max=settings.recharge_amount_max,
            step=settings.recharge_step,
        ),
    )


@router.get("/v1/auto-recharge", response_model=AutoRechargeOut)
async def get_auto_recharge(
    ctx: ContextDep, caller: CallerDep, response: Response
) -> AutoRechargeOut:
    row = await auto_recharge.get_settings(ctx, caller.account_id)
    response.headers["ETag"] = auto_recharge.etag_of(row)
    return auto_recharge_out(ctx.settings, row)


@router.put("/v1/auto-recharge", response_model=AutoRechargeOut)
async def put_auto_recharge(
    ctx: ContextDep,
    owner: OwnerDep,
    response: Response,
    body: AutoRechargeBody,
    if_match: Annotated[str | None, Header(alias="If-Match", max_length=200)] = None,
) -> AutoRechargeOut:
    update = auto_recharge.AutoRechargeUpdate(**body.model_dump())
    row = await auto_recharge.save_settings(ctx, owner.account_id, if_match, update)
    response.headers["ETag"] = auto_recharge.etag_of(row)
    return auto_recharge_out(ctx.settings, row)

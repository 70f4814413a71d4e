"""Notification targets of the caller's account (owner only): list, add (a webhook's signing
secret is in the answer once), change the events or switch back on, remove, send a test; and the
dead letters (messages given up on)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from credits_server.api.deps import ContextDep, NotifierDep
from credits_server.models import NotificationTarget
from credits_server.schemas import Page, Strict
from credits_server.services.notifications import targets

router = APIRouter(tags=["notifications"])
Events = list[str]


class TargetBody(BaseModel):
    model_config = Strict
    channel: Literal["email", "webhook"]
    address: str = Field(min_length=1, max_length=2000)
    """An email address, or the webhook's https:// URL."""
    events: Events = Field(default=[], max_length=20)


class TargetChange(BaseModel):
    model_config = Strict
    events: Events = Field(max_length=20)
    enabled: bool
    """true switches a target that was switched off back on (its failures forgotten)."""


class TargetOut(BaseModel):
    id: str
    channel: Literal["email", "webhook"]
    address: str
    events: Events
    enabled: bool
    disabled_reason: str | None
    created_at: datetime


class NewTargetOut(TargetOut):
    secret: str | None
    """The webhook's signing secret (`whsec_…`): shown this once, never again."""


class TestOut(BaseModel):
    message_id: str


class DeadLetterOut(BaseModel):
    id: str
    type: str
    target_id: str
    address: str
    attempts: int
    last_error: str | None
    created_at: datetime


def _out(row: NotificationTarget) -> TargetOut:
    return TargetOut(
        id=row.id,
        channel="webhook" if row.channel == "webhook" else "email",
        address=row.address,
        events=targets.chosen(row),
        enabled=row.enabled,
        disabled_reason=row.disabled_reason,
        created_at=row.created_at,
    )


@router.get("/v1/notification-targets", response_model=Page[TargetOut])
async def list_targets(ctx: ContextDep, owner: NotifierDep) -> Page[TargetOut]:
    return Page(data=[_out(row) for row in await targets.list_targets(ctx, owner.account_id)])


@router.post("/v1/notification-targets", status_code=201, response_model=NewTargetOut)
async def add_target(ctx: ContextDep, owner: NotifierDep, body: TargetBody) -> NewTargetOut:
    new = await targets.add_target(ctx, owner.account_id, body.channel, body.address, body.events)
    return NewTargetOut(**_out(new.target).model_dump(), secret=new.secret)


@router.put("/v1/notification-targets/{target_id}", response_model=TargetOut)
async def change_target(
    ctx: ContextDep, owner: NotifierDep, target_id: str, body: TargetChange
) -> TargetOut:
    row = await targets.change_target(ctx, owner.account_id, target_id, body.events, body.enabled)
    return _out(row)


@router.delete("/v1/notification-targets/{target_id}", status_code=204)
async def remove_target(ctx: ContextDep, owner: NotifierDep, target_id: str) -> Response:
    await targets.remove_target(ctx, owner.account_id, target_id)
    return Response(status_code=204)


@router.post("/v1/notification-targets/{target_id}/test", status_code=202, response_model=TestOut)
async def send_test(ctx: ContextDep, owner: NotifierDep, target_id: str) -> TestOut:
    return TestOut(message_id=await targets.send_test(ctx, owner.account_id, target_id))


@router.get("/v1/notification-dead-letters", response_model=Page[DeadLetterOut])
async def dead_letters(ctx: ContextDep, owner: NotifierDep) -> Page[DeadLetterOut]:
    letters = await targets.dead_letters(ctx, owner.account_id)
    return Page(
        data=[
            DeadLetterOut(
                id=letter.message.id,
                type=letter.message.kind,
                target_id=letter.message.target_id,
                address=letter.address,
                attempts=letter.message.attempts,
                last_error=letter.message.last_error,
                created_at=letter.message.created_at,
            )
            for letter in letters
        ]
    )

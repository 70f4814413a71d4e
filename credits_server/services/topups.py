"""Top-ups: a payment intent persisted before the gateway is called, charged once, credited once.

The path, which auto-recharge reuses with `kind="auto_recharge"` and its own key:
1. `create_topup`: the row is inserted as `processing` under a unique (account, Idempotency-Key)
   with a hash of the request, before any charge. A repeat of the key answers the first result
   (waiting while it is in flight); another body under the same key is refused.
2. `process_topup`: the gateway is charged with the top-up's id as its idempotency key, so a retry,
   a concurrent duplicate or a restart can never charge twice.
3. `apply_charge_result`: one write transaction marks the top-up and credits the ledger (reference
   `topup:<id>`, unique per account, so the credit too happens once).
A top-up left `processing` (crash, gateway timeout) is finished by `resume_topup` with the same key.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from credits_core.cards import card_label
from credits_server.context import Context
from credits_server.errors import (
    FieldProblem,
    Invalid,
    KeyInUse,
    NotFound,
    RateLimited,
    not_found,
)
from credits_server.gateway.base import ChargeResult, SavedCard
from credits_server.ids import new_id
from credits_server.ledger import post
from credits_server.logging import LOGGER_NAME
from credits_server.models import Account, PaymentMethod, Topup, utcnow
from credits_server.services import payment_link_events
from credits_server.services.payment_methods import (
    described,
    find_method,
    record_save_attempt,
    save_tokenized,
)
from credits_server.services.receipts import issue_receipt
from credits_server.services.recharge import on_topup_settled

FINAL = ("succeeded", "failed")
POLL_SECONDS = 0.05
_log = logging.getLogger(LOGGER_NAME)


@dataclass(frozen=True, slots=True)
class TopupRequest:
    amount: int
    payment_method_id: str | None = None
    # A card the app tokenized at the gateway itself: its payment-method id there.
    card_token: str | None = None
    save_card: bool = False

    def fingerprint(self) -> str:
        """Hash of what was asked (a card only as the gateway's token: no card data here)."""
        body = [self.amount, self.payment_method_id, self.card_token, self.save_card]
        return hashlib.sha256(json.dumps(body).encode()).hexdigest()


def check_amount(ctx: Context, amount: int) -> None:
    settings = ctx.settings
    if amount < settings.topup_min:
        raise Invalid(
            "amount_below_minimum",
            "The amount is below the minimum top-up.",
            [FieldProblem("amount", "amount_below_minimum", "This is below the minimum.")],
        )
    if amount > settings.topup_max:
        raise Invalid(
            "amount_above_maximum",
            "The amount is above the largest top-up; ask support for a larger one.",
            [FieldProblem("amount", "amount_above_maximum", "This is above the maximum.")],
        )


async def find_by_key(session: AsyncSession, account_id: str, key: str) -> Topup | None:
    return (
        await session.execute(
            select(Topup)
            .where(Topup.account_id == account_id, Topup.idempotency_key == key)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()


async def get_topup(ctx: Context, account_id: str, topup_id: str) -> Topup:
    async with ctx.db.read() as session:
        topup = await session.get(Topup, topup_id)
    if topup is None or topup.account_id != account_id:
        raise not_found("top-up")
    return topup


async def topups_by_key(ctx: Context, account_id: str, key: str | None) -> Sequence[Topup]:
    query = select(Topup).where(Topup.account_id == account_id, Topup.kind == "topup")
    if key is not None:
        query = query.where(Topup.idempotency_key == key)
    async with ctx.db.read() as session:
        result = await session.execute(query.order_by(Topup.created_at.desc()).limit(50))
        return list(result.scalars())


async def create_topup(
    ctx: Context, account_id: str, user_id: str | None, key: str, request: TopupRequest
) -> tuple[Topup, bool]:
    """The top-up for this key: (row, True) when made now, (row, False) when replayed.

    Only the request that claims the key is checked against the limits and counted toward them
    (cards tried, top-ups a minute): the key's other tries at once wait for its outcome."""
    fingerprint = request.fingerprint()
    async with ctx.db.read() as session:
        existing = await find_by_key(session, account_id, key)
    if existing is not None:
        return await _replay(ctx, existing, fingerprint), False
    claim = (account_id, key)
    if (decided := _claims.get(claim)) is not None:
        return await _after_claimant(ctx, decided, claim, fingerprint), False
    _claims[claim] = asyncio.Event()
    try:
        return await _create(ctx, account_id, user_id, key, request, fingerprint)
    finally:
        _claims.pop(claim).set()


# The keys a request of this process is deciding, each with the event set when it has decided.
_claims: dict[tuple[str, str], asyncio.Event] = {}


async def _after_claimant(
    ctx: Context, decided: asyncio.Event, claim: tuple[str, str], fingerprint: str
) -> Topup:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(decided.wait(), ctx.settings.duplicate_wait_seconds)
    async with ctx.db.read() as session:
        made = await find_by_key(session, *claim)
    if made is not None:
        return await _replay(ctx, made, fingerprint)
    # The claimant was refused (nothing to replay: the key is free again) or is still deciding.
    raise KeyInUse(
        "idempotency_key_in_use",
        "Another request with this Idempotency-Key is in progress. Try again in a second.",
        retry_after=1,
    )


async def _create(
    ctx: Context,
    account_id: str,
    user_id: str | None,
    key: str,
    request: TopupRequest,
    fingerprint: str,
) -> tuple[Topup, bool]:
    check_amount(ctx, request.amount)
    await check_topup_rate(ctx, account_id)
    method, saved = await _resolve_card(ctx, account_id, request)
    try:
        async with ctx.db.write() as session:
            raced = await find_by_key(session, account_id, key)
            if raced is None:
                account = await session.get(Account, account_id)
                assert account is not None
                topup = Topup(
                    id=new_id("tu"),
                    account_id=account_id,
                    kind="topup",
                    idempotency_key=key,
                    request_hash=fingerprint,
                    amount=request.amount,
                    currency=account.currency,
                    status="processing",
                    payment_method_id=method.id if method else None,
                    gateway_token=saved.token,
                    card_brand=saved.brand,
                    card_last4=saved.last4,
                    card_exp_month=saved.exp_month,
                    card_exp_year=saved.exp_year,
                    card_name=method.name if method else saved.name,
                    save_card=request.save_card and method is None,
                    created_by=user_id,
                )
                session.add(topup)
    except IntegrityError:
        raced = None  # PostgreSQL: a concurrent request inserted the key first
        async with ctx.db.read() as session:
            raced = await find_by_key(session, account_id, key)
        if raced is None:
            raise
    if raced is not None:
        return await _replay(ctx, raced, fingerprint), False
    return await process_topup(ctx, topup.id), True


async def check_topup_rate(ctx: Context, account_id: str) -> None:
    """Card-testing defence: at most `topup_max_per_minute` new top-ups per account per minute
    (replays of a key do not count; they charge nothing)."""
    limit = ctx.settings.topup_max_per_minute
    since = utcnow() - timedelta(minutes=1)
    async with ctx.db.read() as session:
        recent = list(
            (
                await session.execute(
                    select(Topup.created_at)
                    .where(
                        Topup.account_id == account_id,
                        Topup.kind == "topup",
                        Topup.created_at > since,
                    )
                    .order_by(Topup.created_at.desc())
                    .limit(limit)
                )
            ).scalars()
        )
    if len(recent) < limit:
        return
    # Allowed again once the oldest of the last `limit` top-ups is a minute old.
    retry_after = max(1, math.ceil((recent[-1] - since).total_seconds()))
    raise RateLimited(
        "too_many_attempts",
        f"Too many top-ups in a minute. Try again in {retry_after} seconds.",
        retry_after=retry_after,
    )


async def _resolve_card(
    ctx: Context, account_id: str, request: TopupRequest
) -> tuple[PaymentMethod | None, SavedCard]:
    if (request.payment_method_id is None) == (request.card_token is None):
        raise Invalid(
            "validation_error",
            "Choose a saved card or enter a card.",
            [FieldProblem("payment_method_id", "required", "Choose a saved card or enter one.")],
        )
    if request.card_token is not None:
        # A new card counts as a saved one does: the same per-account limit on cards tried
        # (card testing would otherwise go through one-off top-ups instead).
        await record_save_attempt(ctx, account_id)
        return None, await described(ctx, request.card_token, field="card_token")
    assert request.payment_method_id is not None
    async with ctx.db.read() as session:
        try:
            method = await find_method(session, account_id, request.payment_method_id)
        except NotFound:
            raise NotFound(
                "not_found",
                "That card is not saved on this account.",
                [FieldProblem("payment_method_id", "not_found", "No such saved card.")],
            ) from None
    saved = SavedCard(
        method.gateway_token, method.brand, method.last4, method.exp_month, method.exp_year
    )
    return method, saved


async def _replay(ctx: Context, topup: Topup, fingerprint: str) -> Topup:
    if topup.request_hash != fingerprint:
        raise Invalid(
            "idempotency_key_reused",
            "This Idempotency-Key was used for a different request.",
        )
    return await wait_while_processing(ctx, topup)


async def wait_while_processing(ctx: Context, topup: Topup) -> Topup:
    """A duplicate waits for the first request to finish, then answers its result. A top-up
    stuck in `processing` (its request died) is resumed with the same gateway key."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ctx.settings.duplicate_wait_seconds
    stale_after = timedelta(seconds=ctx.settings.stale_processing_seconds)
    while topup.status == "processing":
        if utcnow() - topup.updated_at > stale_after:
            return await resume_topup(ctx, topup.id)
        if loop.time() > deadline:
            return topup  # still in flight: the client polls GET /v1/topups/{id}
        await asyncio.sleep(POLL_SECONDS)  # the first request holds no lock we could wait on
        async with ctx.db.read() as session:
            fresh = await session.get(Topup, topup.id, populate_existing=True)
        assert fresh is not None
        topup = fresh
    return topup


async def process_topup(ctx: Context, topup_id: str) -> Topup:
    async with ctx.db.read() as session:
        topup = await session.get(Topup, topup_id)
    assert topup is not None
    if topup.status != "processing":
        return topup
    try:
        result = await ctx.gateway.charge(
            token=topup.gateway_token,
            amount=topup.amount,
            currency=topup.currency,
            idempotency_key=topup.id,
            customer=topup.account_id,
            off_session=topup.kind == "auto_recharge",
            save_for_future=topup.save_card and topup.payment_method_id is None,
        )
    except Exception as error:
        # Unknown outcome: stay `processing`; resume_topup asks the gateway again with the same key.
        _log.warning(
            "gateway_error", extra={"fields": {"topup_id": topup.id, "error": type(error).__name__}}
        )
        return topup
    return await apply_charge_result(ctx, topup.id, result)


async def resume_topup(ctx: Context, topup_id: str) -> Topup:
    """Finish a top-up left `processing`: the same idempotency key charges at most once."""
    async with ctx.db.write() as session:
        topup = await session.get(Topup, topup_id)
        assert topup is not None
        if topup.status == "processing":
            topup.updated_at = utcnow()  # claim it, so other waiters do not all resume it
    return await process_topup(ctx, topup_id)


async def resume_stale_topups(ctx: Context) -> int:
    """At start-up: resume every top-up a previous process left in flight. Returns how many."""
    async with ctx.db.read() as session:
        ids = list(
            (await session.execute(select(Topup.id).where(Topup.status == "processing"))).scalars()
        )
    for topup_id in ids:
        await resume_topup(ctx, topup_id)
    return len(ids)


async def apply_charge_result(ctx: Context, topup_id: str, result: ChargeResult) -> Topup:
    """Record the gateway's answer; a success credits the ledger in the same transaction."""
    set_up_token: str | None = None
    async with ctx.db.write() as session:
        topup = await session.get(Topup, topup_id, populate_existing=True, with_for_update=True)
        assert topup is not None
        if topup.status in FINAL:
            return topup
        topup.gateway_charge_id = result.charge_id
        topup.updated_at = utcnow()
        if result.status == "succeeded":
            label = "Auto-recharge" if topup.kind == "auto_recharge" else "Top-up"
            posted = await post(
                session,
                topup.account_id,
                kind=topup.kind,
                amount=topup.amount,
                description=f"{label}, {card_label(topup.card_brand, topup.card_last4)}",
                reference=f"topup:{topup.id}",
            )
            topup.status = "succeeded"
            topup.ledger_entry_id = posted.entry.id
            if posted.created:
                await issue_receipt(session, ctx.settings, topup, posted.entry)
            topup.balance_after = posted.entry.balance_after
            if topup.save_card and topup.payment_method_id is None:
                card = SavedCard(
                    topup.gateway_token,
                    topup.card_brand,
                    topup.card_last4,
                    topup.card_exp_month,
                    topup.card_exp_year,
                )
                method = await save_tokenized(session, topup.account_id, card, topup.card_name)
                topup.payment_method_id = method.id
                set_up_token = topup.gateway_token
        elif result.status == "requires_action":
            topup.status = "requires_action"
        else:
            topup.status = "failed"
            topup.failure_code = result.failure_code or "processing_error"
            topup.failure_message = result.failure_message
        # Events, re-enabling auto-recharge, a recharge intent's next step, the payment link the
        # top-up was a try of: in this same commit.
        await on_topup_settled(session, ctx.settings, topup)
        await payment_link_events.on_settled(session, topup)
    if set_up_token is not None:
        await ctx.gateway.mark_set_up(set_up_token)
    return topup


async def complete_authentication(ctx: Context, topup_id: str, *, approve: bool) -> Topup:
    """The customer finished (or refused) 3-D Secure for this top-up."""
    async with ctx.db.read() as session:
        topup = await session.get(Topup, topup_id)
    if topup is None:
        raise not_found("top-up")
    if topup.status != "requires_action" or topup.gateway_charge_id is None:
        return topup
    result = await ctx.gateway.authenticate(topup.gateway_charge_id, approve=approve)
    return await apply_charge_result(ctx, topup_id, result)


async def payment_method_of(ctx: Context, topup: Topup) -> PaymentMethod | None:
    if topup.payment_method_id is None:
        return None
    async with ctx.db.read() as session:
        return await session.get(PaymentMethod, topup.payment_method_id)

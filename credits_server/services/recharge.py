"""The auto-recharge engine's bookkeeping, always inside the caller's write transaction.

- a debit that takes the balance under the threshold opens a recharge intent in the debit's own
  transaction (at most one open intent per account: a unique column, and the account row is
  locked), and sends the low-balance alert once per crossing: credits_server.services.usage_debit,
  by the rules of credits_server.money_rules (`crosses`, `opens_intent`, `new_intent_values`),
  which `open_intent` and `open_if_below` here follow too.
- `on_topup_settled`: called by `topups.apply_charge_result` in the transaction that records a
  gateway answer, so the ledger credit, the intent's next step, the settings' last attempt and the
  events all commit together, exactly once, whichever process finished the charge.
The gateway itself is called by `recharge_worker`, never inside these transactions.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from credits_server import money_rules
from credits_server.ids import new_id
from credits_server.ledger import lock_account
from credits_server.models import AutoRechargeSettings, PaymentMethod, RechargeIntent, Topup, utcnow
from credits_server.services import events
from credits_server.settings import Settings

_wake: asyncio.Event | None = None


def wake_event() -> asyncio.Event:
    """Set when this process opened an intent, so its worker need not wait for the next poll."""
    global _wake
    if _wake is None:
        _wake = asyncio.Event()
    return _wake


def wake_worker() -> None:
    wake_event().set()


async def settings_row(session: AsyncSession, account_id: str) -> AutoRechargeSettings | None:
    return await session.get(AutoRechargeSettings, account_id, populate_existing=True)


async def open_intent(session: AsyncSession, account_id: str) -> RechargeIntent | None:
    """Open the account's recharge intent unless one is open already (the caller holds the
    account's lock, so this check and the insert cannot interleave with another debit)."""
    existing = (
        await session.execute(
            select(RechargeIntent.id).where(RechargeIntent.open_account_id == account_id)
        )
    ).scalar_one_or_none()
    if not money_rules.opens_intent(True, existing is not None):
        return None
    intent = RechargeIntent(**money_rules.new_intent_values(new_id("ri"), account_id, utcnow()))
    session.add(intent)
    await session.flush()
    return intent


async def open_if_below(session: AsyncSession, account_id: str) -> bool:
    """After auto-recharge is turned on (a save, a manual top-up): recharge now if already under."""
    row = await settings_row(session, account_id)
    account = await lock_account(session, account_id)
    threshold = row.threshold if row is not None and row.enabled else None
    if not money_rules.recharge_due(account.balance, threshold):
        return False
    return await open_intent(session, account_id) is not None


async def limit_reached(
    session: AsyncSession, settings: Settings, row: AutoRechargeSettings, amount: int
) -> str | None:
    """`daily_limit_reached` / `monthly_cap_reached` when this recharge would pass a limit."""
    now = utcnow()
    succeeded = select(Topup).where(
        Topup.account_id == row.account_id,
        Topup.kind == "auto_recharge",
        Topup.status == "succeeded",
    )
    day = (
        await session.execute(
            select(func.count()).select_from(
                succeeded.where(Topup.created_at > now - timedelta(hours=24)).subquery()
            )
        )
    ).scalar_one()
    if int(day) >= (row.daily_limit or settings.recharge_daily_limit):
        return "daily_limit_reached"
    if row.monthly_cap is not None:
        month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        spent = (
            await session.execute(
                select(func.coalesce(func.sum(Topup.amount), 0)).where(
                    Topup.account_id == row.account_id,
                    Topup.kind == "auto_recharge",
                    Topup.status == "succeeded",
                    Topup.created_at >= month_start,
                )
            )
        ).scalar_one()
        if int(spent) + amount > row.monthly_cap:
            return "monthly_cap_reached"
    return None


async def card_for(
    session: AsyncSession, row: AutoRechargeSettings, card_index: int
) -> PaymentMethod | None:
    wanted = row.backup_payment_method_id if card_index == 1 else row.payment_method_id
    if wanted is None:
        return None
    method = await session.get(PaymentMethod, wanted)
    if method is None or method.deleted_at is not None or method.account_id != row.account_id:
        return None
    return method


def new_attempt_topup(
    intent: RechargeIntent, method: PaymentMethod, amount: int, currency: str
) -> Topup:
    """The attempt's payment intent; its id is the gateway key, kept across restarts."""
    key = f"auto_recharge:{intent.id}:{intent.attempt}:{intent.card_index}"
    return Topup(
        id=new_id("tu"),
        account_id=intent.account_id,
        kind="auto_recharge",
        idempotency_key=key,
        request_hash=hashlib.sha256(key.encode()).hexdigest(),
        amount=amount,
        currency=currency,
        status="processing",
        payment_method_id=method.id,
        gateway_token=method.gateway_token,
        card_brand=method.brand,
        card_last4=method.last4,
        card_exp_month=method.exp_month,
        card_exp_year=method.exp_year,
        card_name=method.name,
        save_card=False,
    )


def close(intent: RechargeIntent, status: str, outcome: str | None) -> None:
    intent.status = status
    intent.outcome = outcome
    intent.open_account_id = None
    intent.claimed_by = None
    intent.updated_at = utcnow()


async def record_attempt(
    session: AsyncSession,
    row: AutoRechargeSettings,
    status: str,
    failure_code: str | None,
) -> None:
    row.last_attempt_status = status
    row.last_attempt_failure_code = failure_code
    row.last_attempt_at = utcnow()
    row.version += 1
    row.updated_at = utcnow()
    await session.flush()


async def disable(session: AsyncSession, row: AutoRechargeSettings, reason: str) -> None:
    row.enabled = False
    row.disabled_reason = reason
    row.disabled_by = "failures"
    row.version += 1
    row.updated_at = utcnow()
    await session.flush()
    await events.emit(session, row.account_id, "auto_recharge.disabled", {"reason": reason})


async def skip(
    session: AsyncSession,
    settings: Settings,
    intent: RechargeIntent,
    row: AutoRechargeSettings,
    code: str,
    amount: int,
    currency: str,
) -> None:
    """A limit stops this crossing's recharge: the owner sees why, nothing is charged."""
    close(intent, "skipped", code)
    await record_attempt(session, row, "skipped", code)
    await events.emit(
        session,
        intent.account_id,
        "auto_recharge.failed",
        {"amount": amount, "currency": currency, "failure_code": code},
    )
    await events.emit_settings(session, settings, row)


async def on_topup_settled(session: AsyncSession, settings: Settings, topup: Topup) -> None:
    """React to a top-up that just became final, in the transaction that made it final."""
    if topup.kind == "auto_recharge":
        await _recharge_settled(session, settings, topup)
        return
    if topup.status not in ("succeeded", "failed"):
        return
    await events.emit(
        session,
        topup.account_id,
        f"topup.{topup.status}",
        {"topup": await events.topup_payload(session, topup)},
    )
    if topup.status != "succeeded":
        return
    await events.emit_balance(session, topup.account_id)
    row = await settings_row(session, topup.account_id)
    if row is not None and not row.enabled and row.disabled_by == "failures":
        # A card that pays by hand again is trusted again for auto-recharge.
        row.enabled = True
        row.disabled_reason = None
        row.disabled_by = None
        row.version += 1
        row.updated_at = utcnow()
        await session.flush()
        await events.emit_settings(session, settings, row)
        if await open_if_below(session, topup.account_id):
            wake_worker()


async def _recharge_settled(session: AsyncSession, settings: Settings, topup: Topup) -> None:
    if topup.status == "requires_action":
        # Nobody is there to pass 3-D Secure for an automatic charge: a failed attempt.
        topup.status = "failed"
        topup.failure_code = "authentication_required"
        topup.failure_message = "The bank asked for authentication, which needs the card holder."
    if topup.status not in ("succeeded", "failed"):
        return
    intent = (
        await session.execute(
            select(RechargeIntent)
            .where(RechargeIntent.topup_id == topup.id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    row = await settings_row(session, topup.account_id)
    if intent is None or row is None:
        return
    payload = {"amount": topup.amount, "currency": topup.currency}
    if topup.status == "succeeded":
        close(intent, "succeeded", None)
        await record_attempt(session, row, "succeeded", None)
        receipt = {"topup": await events.topup_payload(session, topup)}  # what the email shows
        await events.emit(
            session,
            topup.account_id,
            "auto_recharge.succeeded",
            {**payload, "failure_code": None, **receipt},
        )
        await events.emit_balance(session, topup.account_id)
        await events.emit_settings(session, settings, row)
        return
    code = topup.failure_code or "processing_error"
    await record_attempt(session, row, "failed", code)
    await events.emit(
        session, topup.account_id, "auto_recharge.failed", {**payload, "failure_code": code}
    )
    now = utcnow()
    intent.updated_at = now
    if intent.card_index == 0 and await card_for(session, row, 1) is not None:
        intent.card_index = 1  # the backup card, at once
        intent.next_attempt_at = now
    elif intent.attempt < settings.recharge_max_attempts:
        backoff = settings.recharge_backoff_seconds * 2 ** (intent.attempt - 1)
        intent.attempt += 1
        intent.card_index = 0
        intent.next_attempt_at = now + timedelta(seconds=backoff)
    else:
        close(intent, "failed", code)
        attempts = settings.recharge_max_attempts
        await disable(
            session,
            row,
            f"Auto-recharge was turned off after {attempts} declined attempts"
            f" ({code.replace('_', ' ')}). Save the settings again or top up by hand to turn it"
            " back on.",
        )
    await events.emit_settings(session, settings, row)

"""The demo account: "Demo Co" with a saved test card and four weeks of realistic history."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio

from credits_server.cards import check_card
from credits_server.context import Context
from credits_server.gateway.base import SavedCard
from credits_server.ledger import post
from credits_server.models import AutoRechargeSettings, utcnow
from credits_server.security import hash_password
from credits_server.services.accounts import create_account, create_user, find_user
from credits_server.services.payment_methods import save_tokenized

DEMO_ACCOUNT = "Demo Co"
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - published demo credentials, by design
DEMO_CARD = "4242424242424242"
HISTORY_DAYS = 28


@dataclass(frozen=True, slots=True)
class HistoryItem:
    at: datetime
    kind: str
    amount: int
    description: str


def demo_history(now: datetime, seed: int = 2026) -> list[HistoryItem]:
    """Deterministic calls, texts and top-ups over four weeks, oldest first, ending near $50."""
    rng = random.Random(seed)  # noqa: S311 - made-up history, not security
    start = (now - timedelta(days=HISTORY_DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    items = [HistoryItem(start + timedelta(hours=14), "topup", 5000, "Top-up, Visa •••• 4242")]
    balance = 5000
    for day in range(HISTORY_DAYS):
        day_start = start + timedelta(days=day, hours=14)  # 9 am on the US east coast
        weekend = (day_start.weekday()) >= 5
        events = rng.randint(2, 5) if weekend else rng.randint(12, 24)
        offsets = sorted(rng.randint(0, 9 * 3600) for _ in range(events))
        for offset in offsets:
            at = day_start + timedelta(seconds=offset)
            if at >= now - timedelta(minutes=5):
                break
            number = f"+1 415 555 01{rng.randint(0, 99):02d}"
            if rng.random() < 0.35:
                count = rng.randint(1, 4)
                item = HistoryItem(
                    at,
                    "usage",
                    -count,
                    f"SMS to {number}" + (f" ({count} parts)" if count > 1 else ""),
                )
            else:
                seconds = rng.randint(20, 1500)
                cost = max(1, round(seconds / 60 * 2.5))  # 2.5 cents a minute, at least a cent
                item = HistoryItem(
                    at, "usage", -cost, f"Call to {number}, {seconds // 60}m {seconds % 60:02d}s"
                )
            items.append(item)
            balance += item.amount
            if balance < 1500:
                top = HistoryItem(
                    at + timedelta(seconds=5), "topup", 5000, "Top-up, Visa •••• 4242"
                )
                items.append(top)
                balance += top.amount
    if balance < 4000:
        # Topped up recently, by a custom amount that brings the balance back to about $50.
        amount = max(1000, -(-(5000 - balance) // 500) * 500)
        last = items[-1].at + timedelta(minutes=rng.randint(5, 50))
        items.append(HistoryItem(min(last, now), "topup", amount, "Top-up, Visa •••• 4242"))
    return sorted(items, key=lambda item: item.at)


async def _demo_card(ctx: Context) -> SavedCard:
    """The demo's saved test card, tokenized on the server: only the offline sandbox, whose
    test cards are not real cards, takes a card from the server itself."""
    from credits_server.gateway.sandbox import SandboxGateway

    if not isinstance(ctx.gateway, SandboxGateway):
        raise RuntimeError("the demo account needs the sandbox gateway (gateway = 'sandbox')")
    card = check_card(DEMO_CARD, 12, utcnow().year + 3, "123", "Demo Owner")
    token = (await ctx.gateway.tokenize(card)).token
    return await ctx.gateway.save_for_future(token, customer="demo")


async def seed_demo(ctx: Context) -> str:
    """Create the demo account once; running it again changes nothing. Returns the account id."""
    async with ctx.db.read() as session:
        existing = await find_user(session, DEMO_EMAIL)
    if existing is not None:
        return existing.account_id
    password_hash = await anyio.to_thread.run_sync(hash_password, DEMO_PASSWORD)
    saved = await _demo_card(ctx)
    async with ctx.db.write() as session:
        # Re-checked under the write lock, so two seeders racing create one account.
        if await find_user(session, DEMO_EMAIL) is not None:
            raced = await find_user(session, DEMO_EMAIL)
            assert raced is not None
            return raced.account_id
        account = await create_account(session, ctx.settings, DEMO_ACCOUNT, "USD")
        await create_user(session, account.id, DEMO_EMAIL, password_hash, "owner")
        method = await save_tokenized(session, account.id, saved, "Demo Owner")
        recharge = await session.get(AutoRechargeSettings, account.id)
        if recharge is not None:
            recharge.payment_method_id = method.id
        for index, item in enumerate(demo_history(utcnow())):
            await post(
                session,
                account.id,
                kind=item.kind,
                amount=item.amount,
                description=item.description,
                reference=f"seed:{index}",
                created_at=item.at,
            )
        return account.id

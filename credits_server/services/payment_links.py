"""Payment links: a short link to the secure payment page, for one top-up of a set amount.

- `create_link` makes the link under the account's Idempotency-Key; its token (22 base62
  characters) is returned once and kept only as its SHA-256. A replay of the key while the link
  is open gives it a new token (the request that retries never saw the first), never a second
  link.
- The page (the gateway's: `view`, `pay`, `confirm`) finds the link by its token. Each try is a
  top-up through the top-up service (`payment-link:<id>:<try>`), with the card's token only, so
  the usual limits, idempotency and ledger path apply; `payment_link_events` updates the link
  in the same transaction as the try's outcome. One try at a time; a paid or expired link is
  Gone.
- A gateway's hosted page (Stripe Checkout) is settled by `settle_checkout` from its webhook.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from credits_core.cards import card_label
from credits_server.context import Context
from credits_server.errors import Conflict, DomainError, Forbidden, Gone, Invalid, not_found
from credits_server.gateway.base import ChargeResult, CheckoutOutcome, PageState, PageView
from credits_server.ids import new_id
from credits_server.models import Account, PaymentLink, PaymentMethod, Topup, utcnow
from credits_server.representations import payment_link_status
from credits_server.services import topups
from credits_server.services.payment_link_events import emit_link, try_key

TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_LENGTH = 22  # 131 bits


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class MadeLink:
    link: PaymentLink
    token: str | None
    """The link's token when this request made (or renewed) it; None otherwise."""
    created: bool


def used() -> Gone:
    return Gone("payment_link_used", "This payment link has been used.")


def expired() -> Gone:
    return Gone("payment_link_expired", "This payment link has expired: ask the app for a new one.")


async def create_link(
    ctx: Context, account_id: str, user_id: str | None, key: str, amount: int, save_card: bool
) -> MadeLink:
    if ctx.settings.payment_page == "off":
        raise Forbidden("payment_page_off", "Payment links are turned off on this server.")
    fingerprint = hashlib.sha256(json.dumps([amount, save_card]).encode()).hexdigest()
    async with ctx.db.read() as session:
        existing = await _by_key(session, account_id, key)
    if existing is not None:
        return await _replay(ctx, existing, fingerprint)
    topups.check_amount(ctx, amount)
    token = new_token()
    now = utcnow()
    try:
        async with ctx.db.write() as session:
            account = await session.get(Account, account_id)
            assert account is not None
            link = PaymentLink(
                id=new_id("pl"),
                account_id=account_id,
                token_hash=token_hash(token),
                form_secret=secrets.token_urlsafe(24),
                idempotency_key=key,
                request_hash=fingerprint,
                amount=amount,
                currency=account.currency,
                save_card=save_card,
                status="open",
                tries=0,
                created_by=user_id,
                expires_at=now + timedelta(seconds=ctx.settings.payment_link_ttl_seconds),
                created_at=now,
                updated_at=now,
            )
            session.add(link)
    except IntegrityError:  # the same key, at the same moment, from another request
        async with ctx.db.read() as session:
            raced = await _by_key(session, account_id, key)
        if raced is None:
            raise
        return await _replay(ctx, raced, fingerprint)
    return MadeLink(link, token, True)


async def _replay(ctx: Context, link: PaymentLink, fingerprint: str) -> MadeLink:
    if link.request_hash != fingerprint:
        raise Invalid(
            "idempotency_key_reused", "This Idempotency-Key was used for a different request."
        )
    if payment_link_status(link, utcnow()) != "open":
        return MadeLink(link, None, False)
    token = new_token()
    async with ctx.db.write() as session:
        row = await session.get(PaymentLink, link.id, with_for_update=True)
        assert row is not None
        row.token_hash = token_hash(token)
        row.updated_at = utcnow()
    return MadeLink(row, token, False)


async def _by_key(session: AsyncSession, account_id: str, key: str) -> PaymentLink | None:
    return (
        await session.execute(
            select(PaymentLink).where(
                PaymentLink.account_id == account_id, PaymentLink.idempotency_key == key
            )
        )
    ).scalar_one_or_none()


async def get_link(ctx: Context, account_id: str, link_id: str) -> PaymentLink:
    async with ctx.db.read() as session:
        link = await session.get(PaymentLink, link_id)
    if link is None or link.account_id != account_id:
        raise not_found("payment link")
    return await _notice_expiry(ctx, link)


async def paid_topup(ctx: Context, link: PaymentLink) -> tuple[Topup, PaymentMethod | None] | None:
    """The top-up that paid the link, with its saved card (None until paid)."""
    if link.status != "paid" or link.topup_id is None:
        return None
    async with ctx.db.read() as session:
        topup = await session.get(Topup, link.topup_id)
        assert topup is not None
        method = None
        if topup.payment_method_id is not None:
            method = await session.get(PaymentMethod, topup.payment_method_id)
    return topup, method


async def _notice_expiry(ctx: Context, link: PaymentLink) -> PaymentLink:
    """An open link past its expiry is stored as expired, and its owner told (once)."""
    if link.status != "open" or link.expires_at > utcnow():
        return link
    async with ctx.db.write() as session:
        row = await session.get(PaymentLink, link.id, with_for_update=True, populate_existing=True)
        assert row is not None
        if row.status == "open":
            row.status = "expired"
            row.updated_at = utcnow()
            await emit_link(session, row, None)
    return row


async def _by_token(ctx: Context, token: str) -> PaymentLink:
    """The link whose token this is, as it can be used now: Gone when paid or expired."""
    async with ctx.db.read() as session:
        link = (
            await session.execute(
                select(PaymentLink).where(PaymentLink.token_hash == token_hash(token))
            )
        ).scalar_one_or_none()
    if link is None:
        raise not_found("payment link")
    link = await _notice_expiry(ctx, link)
    if link.status == "paid":
        raise used()
    if link.status == "expired":
        raise expired()
    return await _unstick(ctx, link)


async def _unstick(ctx: Context, link: PaymentLink) -> PaymentLink:
    """A try whose request died before its top-up was made leaves the link free again."""
    stale = utcnow() - timedelta(seconds=ctx.settings.stale_processing_seconds)
    if link.status != "paying" or link.updated_at > stale:
        return link
    async with ctx.db.write() as session:
        made = await topups.find_by_key(session, link.account_id, try_key(link.id, str(link.tries)))
        row = await session.get(PaymentLink, link.id, with_for_update=True, populate_existing=True)
        assert row is not None
        if made is None and row.status == "paying" and row.updated_at <= stale:
            row.status = "open"
        return row


async def view(ctx: Context, token: str) -> PageView:
    return await _view(ctx, await _by_token(ctx, token))


async def pay(ctx: Context, token: str, card_token: str) -> PageView:
    """One try on the page with a card the gateway tokenized there: its outcome."""
    link = await _by_token(ctx, token)
    attempt = await _claim(ctx, link.id)
    wanted = topups.TopupRequest(link.amount, card_token=card_token, save_card=link.save_card)
    key = try_key(link.id, str(attempt))
    try:
        await topups.create_topup(ctx, link.account_id, link.created_by, key, wanted)
    except DomainError as error:  # refused before any charge (a limit, an unusable card)
        await _release(ctx, link.id, error)
    return await _view_of(ctx, link.id)


async def confirm(ctx: Context, token: str, approve: bool) -> PageView:
    """The person's 3-D Secure answer for the link's waiting try."""
    link = await _by_token(ctx, token)
    if link.status == "paying" and link.topup_id is not None:
        await topups.complete_authentication(ctx, link.topup_id, approve=approve)
    return await _view_of(ctx, link.id)


async def _claim(ctx: Context, link_id: str) -> int:
    async with ctx.db.write() as session:
        link = await session.get(PaymentLink, link_id, with_for_update=True, populate_existing=True)
        assert link is not None
        if link.status == "paid":
            raise used()
        if link.status == "paying":
            raise Conflict("payment_in_progress", "A payment on this link is already in progress.")
        if link.status == "expired" or link.expires_at <= utcnow():
            raise expired()
        link.status = "paying"
        link.tries += 1
        link.updated_at = utcnow()
        return link.tries


async def _release(ctx: Context, link_id: str, error: DomainError) -> None:
    async with ctx.db.write() as session:
        link = await session.get(PaymentLink, link_id, with_for_update=True, populate_existing=True)
        assert link is not None
        if link.status == "paying":
            link.status = "open"
        link.last_failure_code = error.code
        link.last_failure_message = (error.errors[0].message if error.errors else error.detail)[
            :300
        ]
        link.updated_at = utcnow()
        await emit_link(session, link, None)


async def _view_of(ctx: Context, link_id: str) -> PageView:
    async with ctx.db.read() as session:
        link = await session.get(PaymentLink, link_id, populate_existing=True)
    assert link is not None
    return await _view(ctx, link)


async def _view(ctx: Context, link: PaymentLink) -> PageView:
    async with ctx.db.read() as session:
        account = await session.get(Account, link.account_id)
        topup = await session.get(Topup, link.topup_id) if link.topup_id else None
    assert account is not None
    state: PageState = "open"
    shown_card = None
    if link.status == "paid":
        state = "paid"
    elif link.status == "paying":
        waiting = topup is not None and topup.status == "requires_action"
        state = "confirming" if waiting else "processing"
        if topup is not None:
            shown_card = card_label(topup.card_brand, topup.card_last4)
    return PageView(
        link_id=link.id,
        account_id=link.account_id,
        account_name=account.name,
        amount=link.amount,
        currency=link.currency,
        save_card=link.save_card,
        expires_at=link.expires_at,
        form_secret=link.form_secret,
        state=state,
        failure_message=link.last_failure_message if state == "open" else None,
        card_label=shown_card,
    )


async def settle_checkout(ctx: Context, link_id: str, outcome: CheckoutOutcome) -> None:
    """The gateway's hosted page took the payment: its top-up is recorded and credited once
    (under the key `payment-link:<id>:checkout`), the card saved when the link asked."""
    async with ctx.db.read() as session:
        link = await session.get(PaymentLink, link_id)
    if link is None:
        return
    key = try_key(link.id, "checkout")
    card = outcome.card
    try:
        async with ctx.db.write() as session:
            if await topups.find_by_key(session, link.account_id, key) is None:
                # Recorded as awaiting the gateway, with its charge: if we stop before crediting,
                # reconciliation settles it from the gateway's answer (a `processing` top-up
                # would be charged again).
                session.add(
                    Topup(
                        id=new_id("tu"),
                        account_id=link.account_id,
                        kind="topup",
                        idempotency_key=key,
                        request_hash=hashlib.sha256(outcome.charge_id.encode()).hexdigest(),
                        amount=link.amount,
                        currency=link.currency,
                        status="requires_action",
                        gateway_token=card.token,
                        card_brand=card.brand,
                        card_last4=card.last4,
                        card_exp_month=card.exp_month,
                        card_exp_year=card.exp_year,
                        card_name=card.name,
                        save_card=link.save_card,
                        gateway_charge_id=outcome.charge_id,
                        created_by=link.created_by,
                    )
                )
    except IntegrityError:
        pass  # another delivery recorded it first
    async with ctx.db.read() as session:
        topup = await topups.find_by_key(session, link.account_id, key)
    assert topup is not None
    await topups.apply_charge_result(ctx, topup.id, ChargeResult(outcome.charge_id, "succeeded"))

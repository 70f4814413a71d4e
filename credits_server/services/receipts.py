"""Receipts: one for every succeeded top-up and auto-recharge, numbered without gaps per seller.

`issue_receipt` runs inside the transaction that credits the payment (topups.apply_charge_result):
the seller's counter is incremented with an UPDATE, which holds the counter row's lock until that
transaction ends, so two payments never share a number and a credit that rolls back takes its
number with it. What a receipt shows is copied into its row when it is issued.

`receipt_text` is the receipt as plain text: the app, the PDF and a receipt email all show it.
"""

from __future__ import annotations

from sqlalchemy import Insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from credits_core.cards import brand_of
from credits_core.money import format_money
from credits_server.context import Context
from credits_server.errors import not_found
from credits_server.ids import new_id
from credits_server.ledger import lock_account
from credits_server.models import LedgerEntry, Receipt, ReceiptCounter, Topup
from credits_server.settings import Settings

ITEMS = {"topup": "Calling credit, top-up", "auto_recharge": "Calling credit, auto-recharge"}


def included_tax(amount: int, basis_points: int) -> int:
    """The tax inside a gross `amount` at `basis_points` (2000 = 20%), rounded half up, in
    integers: amount * rate / (1 + rate)."""
    denominator = 10_000 + basis_points
    return (2 * amount * basis_points + denominator) // (2 * denominator)


def rate_text(basis_points: int) -> str:
    """2000 is "20%", 1950 "19.5%", 825 "8.25%"."""
    whole, hundredths = divmod(basis_points, 100)
    return f"{whole}.{hundredths:02d}".rstrip("0").rstrip(".") + "%"


def number_text(number: int) -> str:
    return f"{number:06d}"


def amount_text(minor: int, currency: str) -> str:
    """ "1,250.00 USD": the ISO code rather than a symbol, so a receipt is never ambiguous."""
    return f"{format_money(minor, currency, symbol=False)} {currency}"


def receipt_lines(receipt: Receipt) -> list[tuple[str, str]]:
    """The receipt as (label, value) rows, in the order shown; empty labels continue a value."""
    rows = [
        ("Receipt no.", number_text(receipt.number)),
        ("Date", receipt.issued_at.strftime("%Y-%m-%d %H:%M UTC")),
    ]
    if receipt.seller:
        rows.append(("Seller", receipt.seller))
        rows += [("", line.strip()) for line in receipt.seller_address.splitlines() if line.strip()]
    if receipt.seller_tax_id:
        rows.append(("Tax number", receipt.seller_tax_id))
    rows += [
        ("Customer", receipt.account_name),
        ("Item", ITEMS.get(receipt.kind, receipt.kind)),
        ("Amount paid", amount_text(receipt.amount, receipt.currency)),
    ]
    if receipt.tax_rate_basis_points is not None and receipt.tax_amount is not None:
        label = f"{receipt.tax_label or 'Tax'} {rate_text(receipt.tax_rate_basis_points)} incl."
        rows.append((label, amount_text(receipt.tax_amount, receipt.currency)))
    rows += [
        ("Paid by", f"{brand_of(receipt.card_brand).label} ending in {receipt.card_last4}"),
        ("Payment", receipt.topup_id),
    ]
    return rows


def receipt_text(receipt: Receipt) -> str:
    """The receipt as plain text, one "Label: value" line each (a receipt email's body)."""
    width = max(len(label) for label, _ in receipt_lines(receipt)) + 2
    lines = [
        (f"{label}:" if label else "").ljust(width) + value
        for label, value in receipt_lines(receipt)
    ]
    return "\n".join(["RECEIPT", "", *lines])


async def _next_number(session: AsyncSession, seller: str) -> int:
    bump = (
        update(ReceiptCounter)
        .where(ReceiptCounter.seller == seller)
        .values(last_number=ReceiptCounter.last_number + 1)
        .returning(ReceiptCounter.last_number)
    )
    number = (await session.execute(bump)).scalar_one_or_none()
    if number is not None:
        return int(number)
    # The seller's first receipt. A concurrent first one may insert the row too: the loser's
    # insert does nothing (on PostgreSQL it waits for the winner's commit), then both increment.
    values = {"seller": seller, "last_number": 0}
    first: Insert
    if session.get_bind().dialect.name == "postgresql":
        first = postgresql.insert(ReceiptCounter).values(values).on_conflict_do_nothing()
    else:
        first = sqlite.insert(ReceiptCounter).values(values).on_conflict_do_nothing()
    await session.execute(first)
    return int((await session.execute(bump)).scalar_one())


async def issue_receipt(
    session: AsyncSession, settings: Settings, topup: Topup, entry: LedgerEntry
) -> Receipt:
    """The receipt of a payment just credited by `entry`, in the crediting transaction (the
    account is locked already)."""
    account = await lock_account(session, topup.account_id)
    rate = settings.tax_rate_basis_points
    receipt = Receipt(
        id=new_id("rc"),
        account_id=topup.account_id,
        topup_id=topup.id,
        ledger_entry_id=entry.id,
        kind=topup.kind,
        seller=settings.seller_name,
        number=await _next_number(session, settings.seller_name),
        issued_at=entry.created_at,
        amount=topup.amount,
        currency=topup.currency,
        card_brand=topup.card_brand,
        card_last4=topup.card_last4,
        account_name=account.name,
        seller_address=settings.seller_address,
        seller_tax_id=settings.seller_tax_id,
        tax_label=settings.tax_label,
        tax_rate_basis_points=rate,
        tax_amount=None if rate is None else included_tax(topup.amount, rate),
    )
    session.add(receipt)
    await session.flush()
    return receipt


async def receipt_for_topup(session: AsyncSession, topup_id: str) -> Receipt | None:
    """The receipt of a top-up, if it succeeded (e.g. for a receipt email, in the same session)."""
    query = select(Receipt).where(Receipt.topup_id == topup_id)
    return (await session.execute(query)).scalar_one_or_none()


async def get_receipt(ctx: Context, account_id: str, receipt_id: str) -> Receipt:
    async with ctx.db.read() as session:
        receipt = await session.get(Receipt, receipt_id)
    if receipt is None or receipt.account_id != account_id:
        raise not_found("receipt")
    return receipt

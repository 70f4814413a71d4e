"""A fixed owner whose newest entry is a top-up with a receipt that is the same on every run
(number, date, payment id, seller), for the receipt screen's snapshots and flows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.screens.conftest import fixed_owner
from tests.support.live_server import LiveServer, Owner

SELLER = "Acme Telecom Ltd"
NUMBER = 4217


def owner_with_receipt(live_server: LiveServer) -> Owner:
    owner = fixed_owner(live_server)

    async def write(ctx: Any) -> None:
        from sqlalchemy import delete

        from credits_server.ids import new_id
        from credits_server.ledger import post
        from credits_server.models import Receipt

        at = datetime(2026, 11, 19, 19, 30, tzinfo=UTC)
        async with ctx.db.write() as session:
            # The number is the seller's once: taken from whichever owner of an earlier test had it.
            await session.execute(
                delete(Receipt).where(Receipt.seller == SELLER, Receipt.number == NUMBER)
            )
            posted = await post(
                session,
                owner.account_id,
                kind="topup",
                amount=5000,
                description="Top-up, Visa •••• 4242",
                created_at=at,
            )
            session.add(
                Receipt(
                    id=new_id("rc"),
                    account_id=owner.account_id,
                    topup_id="tu_5f0c2a9e7b1d4c3a8e6f",
                    ledger_entry_id=posted.entry.id,
                    kind="topup",
                    seller=SELLER,
                    number=NUMBER,
                    issued_at=at,
                    amount=5000,
                    currency="USD",
                    card_brand="visa",
                    card_last4="4242",
                    account_name="Acme Phones Ltd",
                    seller_address="1 Exchange Street\nLeeds LS1 4AB",
                    seller_tax_id="GB 123 4567 89",
                    tax_label="VAT",
                    tax_rate_basis_points=2000,
                    tax_amount=833,
                )
            )

    live_server.run(write)
    return owner

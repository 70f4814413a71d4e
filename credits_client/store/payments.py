"""Paying: top-ups (with 3-D Secure) and the saved cards they may use.

A typed card goes to the payment gateway's tokenization endpoint, never to credits-server, which
gets only the gateway's token for it."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from credits_client.api.errors import ServerUnreachable
from credits_client.store.attempts import attempt_for, payment_fingerprint, until_known
from credits_client.store.events import with_balance

if TYPE_CHECKING:
    from credits_client.api.client import CreditsClient
    from credits_client.api.models import CardInput, PaymentMethod, Topup
    from credits_client.store.attempts import PendingAttempts
    from credits_client.store.holder import StateHolder
    from credits_client.store.link import Link
    from credits_client.store.reads import Reads


class Payments:
    """Top-ups and cards; the balance is shown at once, then read again with the history."""

    def __init__(
        self,
        client: CreditsClient,
        holder: StateHolder,
        link: Link,
        *,
        reads: Reads,
        attempts: PendingAttempts,
        poll_interval: float,
    ) -> None:
        self._client = client
        self._holder = holder
        self._link = link
        self._reads = reads
        self._attempts = attempts
        self._poll_interval = poll_interval
        self.left_with_bank: set[str] = set()
        """Top-ups whose 3-D Secure the person stopped waiting for: the bank may still answer."""
        # The gateway's token for a pending payment's card, by its idempotency key: trying again
        # sends the same token, so the server sees the same request and replays it.
        self._tokens: dict[str, str] = {}

    async def top_up(
        self,
        amount: int,
        *,
        payment_method_id: str | None = None,
        card: CardInput | None = None,
        save_card: bool = False,
    ) -> Topup:
        """Pay. A decline is a Topup with status "failed", not an error.

        One idempotency key per payment attempt, kept until the outcome is known: pressing Pay
        again after a lost answer (ServerUnreachable) replays the same charge instead of a new one.
        """
        attempts = self._attempts
        fingerprint = payment_fingerprint(amount, payment_method_id, card, save_card)
        pending = attempts.payment = attempt_for(attempts.payment, fingerprint)
        with self._holder.busy("top_up"):
            seen = self._holder.state.last_event_id
            token = None
            if card is not None:
                token = self._tokens.get(pending.key)
                if token is None:
                    token = await self._link.net(self._client.tokenize_card(card))
                    self._tokens = {pending.key: token}  # only the pending attempt's
            topup = await until_known(
                self._link.net(
                    self._client.create_topup(
                        amount,
                        idempotency_key=pending.key,
                        payment_method_id=payment_method_id,
                        card_token=token,
                        save_card=save_card,
                    )
                ),
                attempts.forget_payment,
            )
            await self._after_payment(topup, cards_changed=save_card, seen=seen)
        return topup

    async def wait_for_topup(self, topup_id: str) -> Topup:
        """Poll a top-up that needs 3-D Secure (or is processing) until it succeeds or fails."""
        with self._holder.busy("top_up"):
            seen = self._holder.state.last_event_id
            while True:
                topup = await self._link.net(self._client.topup(topup_id))
                if topup.status not in ("requires_action", "processing"):
                    break
                await asyncio.sleep(self._poll_interval)
            await self._after_payment(topup, cards_changed=True, seen=seen)
        return topup

    async def answer_as_sandbox_bank(self, topup_id: str, *, approve: bool) -> Topup:
        """Play the sandbox's bank: confirm or refuse 3-D Secure (`wait_for_topup` sees it)."""
        return await self._link.net(self._client.answer_as_sandbox_bank(topup_id, approve=approve))

    async def _after_payment(self, topup: Topup, *, cards_changed: bool, seen: int | None) -> None:
        if topup.status != "succeeded":
            return
        holder = self._holder
        account = holder.state.account
        # At once, unless an event (maybe newer than this answer) came in meanwhile.
        if (
            account is not None
            and topup.balance_after is not None
            and holder.state.last_event_id == seen
        ):
            holder.set(account=with_balance(account, topup.balance_after))
        if not self._reads.first_reload_for_topup(topup.id):
            if cards_changed:  # its event already brought the balance and history
                with contextlib.suppress(ServerUnreachable):
                    await self._reads.cards()
            return
        with contextlib.suppress(ServerUnreachable):
            await self._reads.after_money_moved(cards_changed=cards_changed)

    async def add_payment_method(self, card: CardInput) -> PaymentMethod:
        """Save a card: tokenized at the gateway, then its token saved on the server (which
        keeps only the token, brand, last4 and expiry)."""
        with self._holder.busy("cards"):
            token = await self._link.net(self._client.tokenize_card(card))
            method = await self._link.net(self._client.add_payment_method(token, card.name))
            await self._reads.cards()
        return method

    async def set_default_payment_method(self, method_id: str) -> None:
        with self._holder.busy("cards"):
            await self._link.net(self._client.set_default_payment_method(method_id))
            await self._reads.cards()

    async def remove_payment_method(self, method_id: str) -> None:
        with self._holder.busy("cards"):
            await self._link.net(self._client.delete_payment_method(method_id))
            await self._reads.cards()

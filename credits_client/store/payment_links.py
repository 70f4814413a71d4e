"""Paying on the secure page: a link for one top-up, followed live until it is paid or expires.

The person pays somewhere else (a phone, a laptop), so the store, not a screen, holds the link:
leaving the screen or losing the connection loses nothing. The event stream brings what happens
on the page (`payment_link.updated`); whenever the stream connects again the link is read again,
since a stream with nothing to resume from (no event seen yet) replays nothing; and a timer asks
the server once the link's time is up, since nobody may visit an expired page to make it say so.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from credits_client.api.errors import ServerUnreachable
from credits_client.store.attempts import attempt_for, until_known
from credits_client.store.events import later_link

if TYPE_CHECKING:
    from credits_client.api.client import CreditsClient
    from credits_client.api.models import PaymentLink
    from credits_client.state import AccountState
    from credits_client.store.attempts import PendingAttempts
    from credits_client.store.holder import StateHolder
    from credits_client.store.link import Link

# Asked this long after the expiry (the server's clock may run a little behind ours), doubling
# while the server still calls the link open, up to the last.
EXPIRY_MARGINS = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)


class PaymentLinks:
    """The secure payment page's links of the person signed in; one is followed at a time."""

    def __init__(
        self, client: CreditsClient, holder: StateHolder, link: Link, *, attempts: PendingAttempts
    ) -> None:
        self._client = client
        self._holder = holder
        self._link = link
        self._attempts = attempts
        self.left: set[str] = set()
        """Open links whose screen the person left: their outcome is news when it comes."""
        self._live = holder.state.live_events
        holder.subscribe(self._stream_back)

    def _stream_back(self, state: AccountState) -> None:
        back, self._live = state.live_events and not self._live, state.live_events
        link = state.payment_link
        if back and link is not None and link.status == "open":
            self._link.spawn(self.check, name="credits-link-check")

    async def load_choice(self) -> None:
        """Whether the server offers its secure page, into `state.payment_page` (read once)."""
        if self._holder.state.payment_page is None:
            config = await self._link.net(self._client.payment_config())
            self._holder.set(payment_page=config.payment_page)

    async def open(self, amount: int, *, save_card: bool = False) -> PaymentLink:
        """The open link for `amount` if there is one, else a new one. One idempotency key per
        link, kept until the server's answer is known: asking again after a lost answer gets the
        same link, never a second one."""
        holder = self._holder
        current = holder.state.payment_link
        if (
            current is not None
            and current.status == "open"
            and current.amount == amount
            and not _past(current.expires_at)
        ):
            self.left.discard(current.id)
            return current
        attempts = self._attempts
        pending = attempts.link = attempt_for(attempts.link, ("link", amount, save_card))
        generation = holder.generation
        with holder.busy("payment_link"):
            link = await until_known(
                self._link.net(
                    self._client.create_payment_link(
                        amount, idempotency_key=pending.key, save_card=save_card
                    )
                ),
                attempts.forget_link,
            )
        holder.set_if_current(generation, payment_link=link)
        self._link.spawn(functools.partial(self._watch_expiry, link.id), name="credits-link")
        return link

    async def check(self) -> None:
        """Read the followed link again (it may have been paid or expired meanwhile)."""
        current = self._holder.state.payment_link
        if current is None:
            return
        generation = self._holder.generation
        fresh = await self._link.settled(
            lambda: self._link.net(self._client.payment_link(current.id))
        )
        shown = self._holder.state.payment_link
        link = later_link(shown, fresh) if shown is not None else None
        if link is not None:
            self._holder.set_if_current(generation, payment_link=link)

    def leave(self, link_id: str) -> None:
        """The person leaves the link's screen while it is open: say its outcome when it comes."""
        self.left.add(link_id)

    async def _watch_expiry(self, link_id: str) -> None:
        for margin in EXPIRY_MARGINS:
            current = self._holder.state.payment_link
            if current is None or current.id != link_id or current.status != "open":
                return
            wait = (_aware(current.expires_at) - datetime.now(UTC)).total_seconds()
            await asyncio.sleep(max(wait, 0.0) + margin)
            with contextlib.suppress(ServerUnreachable):  # asked again after the next margin
                await self.check()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _past(moment: datetime) -> bool:
    return _aware(moment) <= datetime.now(UTC)

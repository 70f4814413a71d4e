"""Reading the account into the state, and reading again what an event or a payment changed.

Every read keeps the generation it started in: an answer that arrives after a sign-out (or a
sign-in as someone else) is dropped.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import deque
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from credits_client.api.errors import ServerUnreachable, SessionExpired
from credits_client.state import FilteredHistory

if TYPE_CHECKING:
    from credits_client.api.client import CreditsClient
    from credits_client.api.models import Event, Transaction
    from credits_client.store.holder import StateHolder
    from credits_client.store.link import Link

T = TypeVar("T")
PAGE_SIZE = 50


class Reads:
    """Refresh, history pages and the reloads that reconcile the state with the server."""

    def __init__(self, client: CreditsClient, holder: StateHolder, link: Link) -> None:
        self._client = client
        self._holder = holder
        self._link = link
        # Top-ups whose effects were already fetched (after the POST answer or their event):
        # whichever of the two comes second needs no second reload.
        self._reloaded_topups: deque[str] = deque(maxlen=64)
        self._reading_newest = False
        self._read_again = False

    async def refresh(self) -> None:
        """Reload account, top-up options, cards, auto-recharge, support requests, first page."""
        holder, link, client = self._holder, self._link, self._client
        with holder.busy("refresh"):
            generation = holder.generation
            # Seven reads: past the six that gather's types follow one by one.
            results: list[Any] = await link.settled(
                lambda: asyncio.gather(
                    link.net(client.account()),
                    link.net(client.topup_options()),
                    link.net(client.payment_methods()),
                    link.optional(client.auto_recharge()),
                    link.net(client.transactions(limit=PAGE_SIZE)),
                    link.optional(client.support_requests()),
                    link.optional(client.me()),
                    return_exceptions=True,
                )
            )
            if generation != holder.generation:
                return  # signed out (or another account) meanwhile: nothing to show or report
            raise_first(list(results))
            methods, page, support = ok(results[2]), ok(results[4]), ok(results[5])
            recharge = ok(results[3])
            changes: dict[str, Any] = {
                "account": ok(results[0]),
                "topup_options": ok(results[1]),
                "payment_methods": tuple(methods.data),
                "transactions": tuple(page.data),
                "transactions_cursor": page.next_cursor,
                "transactions_complete": page.next_cursor is None,
                "support_requests": tuple(support.data) if support is not None else (),
            }
            # The role may have changed since sign-in: what the screens allow follows it.
            if (user := ok(results[6])) is not None:
                changes["user"] = user
            if recharge is not None:
                changes.update(auto_recharge=recharge[0], auto_recharge_etag=recharge[1])
            holder.set_if_current(generation, **changes)

    async def load_more_transactions(self, kind: str | None = None) -> None:
        """Next page of history of `kind` (None = every kind); another kind than the filter's
        starts that filter over."""
        state = self._holder.state
        if kind is None:
            if not state.transactions_complete:
                await self._next_page(None, state.transactions, state.transactions_cursor)
            return
        shown = state.history_filter
        if shown is None or shown.kind != kind:
            await self.filter_transactions(kind)
        elif not shown.complete:
            await self._next_page(kind, shown.transactions, shown.cursor)

    async def filter_transactions(self, kind: str | None) -> None:
        """History of `kind` from its newest entry (None drops the filter)."""
        if kind is None:
            self._holder.set(history_filter=None)
        else:
            await self._next_page(kind, (), None)

    async def _next_page(
        self, kind: str | None, kept: tuple[Transaction, ...], cursor: str | None
    ) -> None:
        holder = self._holder
        with holder.busy("history"):
            generation = holder.generation
            page = await self._link.net(
                self._client.transactions(limit=PAGE_SIZE, cursor=cursor, kind=kind)
            )
            known = {t.id for t in kept}
            rows = kept + tuple(t for t in page.data if t.id not in known)
            complete = page.next_cursor is None
            if kind is None:
                holder.set_if_current(
                    generation,
                    transactions=rows,
                    transactions_cursor=page.next_cursor,
                    transactions_complete=complete,
                )
            else:
                shown = FilteredHistory(kind, rows, page.next_cursor, complete)
                holder.set_if_current(generation, history_filter=shown)

    async def after_money_moved(self, *, cards_changed: bool = False) -> None:
        """The account and the newest history entries (and the cards) after a balance change."""
        holder, link, client = self._holder, self._link, self._client
        generation = holder.generation
        account, page = await link.settled(
            lambda: asyncio.gather(
                link.net(client.account()),
                link.net(client.transactions(limit=PAGE_SIZE)),
            )
        )
        state = holder.state
        changes: dict[str, Any] = {
            "account": account,
            "transactions": newer_first(page.data, state.transactions),
        }
        shown = state.history_filter
        if shown is not None:
            of_kind = [t for t in page.data if t.kind == shown.kind]
            rows = newer_first(of_kind, shown.transactions)
            changes["history_filter"] = dataclasses.replace(shown, transactions=rows)
        if cards_changed:
            changes["payment_methods"] = tuple((await link.net(client.payment_methods())).data)
        holder.set_if_current(generation, **changes)

    async def trend(self, start: date, end: date) -> None:
        """The closing balance of each day from `start` to `end`."""
        generation = self._holder.generation
        days = await self._link.net(self._client.daily_balances(start, end))
        self._holder.set_if_current(generation, trend=days)

    async def cards(self) -> None:
        generation = self._holder.generation
        methods = await self._link.net(self._client.payment_methods())
        self._holder.set_if_current(generation, payment_methods=tuple(methods.data))

    async def account(self) -> None:
        """The account alone, settled."""
        link = self._link
        self._holder.set(account=await link.settled(lambda: link.net(self._client.account())))

    async def parts(self, what: set[str]) -> None:
        """Read again the parts `what` names: "auto_recharge", "account", "transactions"."""
        holder, link = self._holder, self._link
        if "auto_recharge" in what:
            generation = holder.generation
            recharge = await link.settled(lambda: link.optional(self._client.auto_recharge()))
            if recharge is not None:
                holder.set_if_current(
                    generation, auto_recharge=recharge[0], auto_recharge_etag=recharge[1]
                )
        if what & {"account", "transactions"}:
            await self._money_moved_once()

    async def _money_moved_once(self) -> None:
        """`after_money_moved`, one read at a time: the events that arrive during a read share
        the one read after it (a burst of usage costs two reads, not one per event)."""
        if self._reading_newest:
            self._read_again = True
            return
        self._reading_newest = True
        try:
            self._read_again = True
            while self._read_again:
                self._read_again = False
                await self.after_money_moved()
        finally:
            self._reading_newest = False

    async def catch_up(self) -> None:
        """One read of the account; the history too only if the balance moved meanwhile."""
        holder, link = self._holder, self._link
        generation = holder.generation
        before = holder.state.account
        account = await link.settled(lambda: link.net(self._client.account()))
        if before is not None and account.balance == before.balance:
            holder.set_if_current(generation, account=account)
        else:
            await self.after_money_moved()

    def first_reload_for_topup(self, topup_id: str) -> bool:
        """True the first time a top-up's effects are to be fetched, False after that."""
        if topup_id in self._reloaded_topups:
            return False
        self._reloaded_topups.append(topup_id)
        return True

    def already_reloaded(self, event: Event) -> bool:
        """`event` is a top-up's success whose effects were already fetched."""
        if event.type != "topup.succeeded":
            return False
        topup = event.data.get("topup")
        topup_id = topup.get("id") if isinstance(topup, dict) else None
        return isinstance(topup_id, str) and not self.first_reload_for_topup(topup_id)


def newer_first(
    page: Iterable[Transaction], shown: tuple[Transaction, ...]
) -> tuple[Transaction, ...]:
    """The entries of `page` not yet `shown`, then those shown (both newest first)."""
    known = {t.id for t in shown}
    return tuple(t for t in page if t.id not in known) + shown


def ok(result: T | BaseException) -> T:
    """A result of `gather(return_exceptions=True)` that `raise_first` has checked."""
    if isinstance(result, BaseException):
        raise result
    return result


def raise_first(results: list[Any]) -> None:
    """Raise the most telling error of a gather: session expiry, then no server, then any."""
    errors = [r for r in results if isinstance(r, BaseException)]
    for kind in (SessionExpired, ServerUnreachable, BaseException):
        for error in errors:
            if isinstance(error, kind):
                raise error

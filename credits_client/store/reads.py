"""Reading the account into the state, and reading again what an event or a payment changed.

Every read keeps the generation it started in: an answer that arrives after a sign-out (or a
sign-in as someone else) is dropped.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING, Any, TypeVar

from credits_client.api.errors import ServerUnreachable, SessionExpired

if TYPE_CHECKING:
    from credits_client.api.client import CreditsClient
    from credits_client.api.models import Event
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

    async def refresh(self) -> None:
        """Reload account, top-up options, cards, auto-recharge, support requests, first page."""
        holder, link, client = self._holder, self._link, self._client
        with holder.busy("refresh"):
            generation = holder.generation
            kind = holder.state.transactions_kind
            results = await link.settled(
                lambda: asyncio.gather(
                    link.net(client.account()),
                    link.net(client.topup_options()),
                    link.net(client.payment_methods()),
                    link.optional(client.auto_recharge()),
                    link.net(client.transactions(limit=PAGE_SIZE, kind=kind)),
                    link.optional(client.support_requests()),
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
            if recharge is not None:
                changes.update(auto_recharge=recharge[0], auto_recharge_etag=recharge[1])
            holder.set_if_current(generation, **changes)

    async def load_more_transactions(self, kind: str | None = None) -> None:
        """Next page of history; a different `kind` (None = all) starts over with that filter."""
        holder = self._holder
        with holder.busy("history"):
            generation = holder.generation
            state = holder.state
            fresh = kind != state.transactions_kind
            if not fresh and state.transactions_complete:
                return
            cursor = None if fresh else state.transactions_cursor
            page = await self._link.net(
                self._client.transactions(limit=PAGE_SIZE, cursor=cursor, kind=kind)
            )
            known = set() if fresh else {t.id for t in holder.state.transactions}
            kept = () if fresh else holder.state.transactions
            holder.set_if_current(
                generation,
                transactions=kept + tuple(t for t in page.data if t.id not in known),
                transactions_cursor=page.next_cursor,
                transactions_complete=page.next_cursor is None,
                transactions_kind=kind,
            )

    async def after_money_moved(self, *, cards_changed: bool = False) -> None:
        """The account and the newest history entries (and the cards) after a balance change."""
        holder, link, client = self._holder, self._link, self._client
        generation = holder.generation
        kind = holder.state.transactions_kind
        account, page = await link.settled(
            lambda: asyncio.gather(
                link.net(client.account()),
                link.net(client.transactions(limit=PAGE_SIZE, kind=kind)),
            )
        )
        shown = holder.state.transactions
        known = {t.id for t in shown}
        newer = tuple(t for t in page.data if t.id not in known)
        changes: dict[str, Any] = {"account": account, "transactions": newer + shown}
        if cards_changed:
            changes["payment_methods"] = tuple((await link.net(client.payment_methods())).data)
        holder.set_if_current(generation, **changes)

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
            await self.after_money_moved()

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

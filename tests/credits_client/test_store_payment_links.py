"""The store and the secure payment page, against the real server: one link however often its
answer is lost, the page's decline and payment followed live, a cut connection that loses
nothing, and an expired link noticed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from credits_client.api.errors import ServerUnreachable
from credits_client.store import AccountStore
from tests.credits_client.conftest import StoreFactory, until
from tests.support.faults import FaultyLink, lose_answer
from tests.support.live_server import LiveServer, Owner
from tests.support.payment_links import expire, page_path, pay_on_page

DECLINED = "4000000000000002"


async def signed_in(store: AccountStore, owner: Owner) -> AccountStore:
    await store.connect()
    await store.login(owner.email, owner.password, remember=False)
    await until(store, lambda s: s.live_events)
    return store


def links_of(server: LiveServer, account_id: str) -> list[str]:
    """The ids of the account's payment links, as the server's database holds them."""

    async def action(ctx: Any) -> list[str]:
        from sqlalchemy import select

        from credits_server.models import PaymentLink

        async with ctx.db.read() as session:
            rows = await session.execute(
                select(PaymentLink.id).where(PaymentLink.account_id == account_id)
            )
            return [str(row) for row in rows.scalars()]

    return server.run(action)


async def test_a_lost_answer_asked_again_makes_one_link_not_two(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    link = FaultyLink()
    store = await signed_in(make_store(link), owner)
    # Every try the client makes reaches the server; no answer comes back.
    link.add("POST", "/v1/payment-links", lose_answer, times=3)
    with pytest.raises(ServerUnreachable):
        await store.open_payment_link(2500)
    made = await store.open_payment_link(2500)  # the person presses the key again
    assert links_of(live_server, owner.account_id) == [made.id]
    assert made.status == "open"
    assert made.url is not None
    assert made.url.startswith(f"{live_server.url}/pay/")
    # Opening it again (the screen left and come back to) shows the same link, asking nothing.
    posts = [a for a in link.answers if a[:2] == ("POST", "/v1/payment-links")]
    assert await store.open_payment_link(2500) == made
    assert [a for a in link.answers if a[:2] == ("POST", "/v1/payment-links")] == posts


async def test_the_page_s_decline_then_its_payment_reach_the_store_live(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    store = await signed_in(make_store(), owner)
    made = await store.open_payment_link(2500)
    page = {"url": made.url}
    await pay_on_page(live_server.url, page, DECLINED)
    await until(
        store, lambda s: s.payment_link is not None and s.payment_link.last_failure is not None
    )
    assert store.state.payment_link is not None
    assert store.state.payment_link.status == "open"  # another card may be tried on the page
    assert store.state.payment_link.url == made.url
    await pay_on_page(live_server.url, page, "4242424242424242")
    await until(store, lambda s: s.payment_link is not None and s.payment_link.status == "paid")
    await until(store, lambda s: s.account is not None and s.account.balance == 7500)
    paid = store.state.payment_link
    assert paid is not None
    assert paid.topup is not None
    assert paid.topup.balance_after == 7500
    assert live_server.balance(owner.account_id) == 7500


class CuttableStreams(FaultyLink):
    """A FaultyLink whose open event streams can be cut (a dropped connection), after which no
    request gets through until `down` is False again."""

    def __init__(self) -> None:
        super().__init__()
        self._cut = asyncio.Event()

    def cut(self) -> None:
        self.down = True
        self._cut.set()

    def mend(self) -> None:
        self._cut = asyncio.Event()
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.url.path != "/v1/events":
            return response
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Cuttable(response, self._cut),
            request=request,
        )


class _Cuttable(httpx.AsyncByteStream):
    def __init__(self, response: httpx.Response, cut: asyncio.Event) -> None:
        self._response = response
        self._cut = cut

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = self._response.aiter_raw().__aiter__()
        while True:
            following = asyncio.ensure_future(chunks.__anext__())
            cut = asyncio.ensure_future(self._cut.wait())
            done, _ = await asyncio.wait({following, cut}, return_when=asyncio.FIRST_COMPLETED)
            if following not in done:
                following.cancel()
                following.add_done_callback(lambda task: task.cancelled() or task.exception())
                raise httpx.ReadError("connection reset by peer")
            cut.cancel()
            try:
                yield following.result()
            except StopAsyncIteration:
                return

    async def aclose(self) -> None:
        await self._response.aclose()


async def test_a_link_paid_while_the_connection_is_down_reads_paid_once_it_is_back(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    link = CuttableStreams()
    store = await signed_in(make_store(link), owner)
    made = await store.open_payment_link(2500)
    link.cut()
    await until(store, lambda s: not s.live_events)
    await pay_on_page(live_server.url, {"url": made.url}, "4242424242424242")
    link.mend()
    # The stream comes back with the client's backoff (up to 15 s), then replays what it missed.
    await until(
        store, lambda s: s.payment_link is not None and s.payment_link.status == "paid", limit=40
    )
    await until(store, lambda s: s.account is not None and s.account.balance == 7500)


async def test_an_expired_link_is_noticed_and_a_new_one_is_made(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    store = await signed_in(make_store(), owner)
    await store.load_payment_choice()
    assert store.state.payment_page == "offered"
    first = await store.open_payment_link(2500)
    # Its time runs out, and someone opens it: the page refuses it, and the app hears of it.
    expire(live_server, first.id)
    async with httpx.AsyncClient(base_url=live_server.url) as browser:
        assert (await browser.get(page_path({"url": first.url}))).status_code == 410
    await until(store, lambda s: s.payment_link is not None and s.payment_link.status == "expired")
    second = await store.open_payment_link(2500)
    assert second.id != first.id
    assert second.status == "open"
    assert second.url != first.url
    # Nobody opens this one: reading it again (as the store does when its time is up) says so.
    expire(live_server, second.id)
    await store.check_payment_link()
    assert store.state.payment_link is not None
    assert store.state.payment_link.status == "expired"
    assert store.state.payment_link.url == second.url

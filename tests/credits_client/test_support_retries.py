"""A support request whose answer is lost is retried with the same Idempotency-Key: filed once,
whether the client retries by itself or the person presses Send again after the error."""

from __future__ import annotations

import pytest

from credits_client.api.errors import ServerUnreachable
from tests.credits_client.conftest import FAST_RETRIES, StoreFactory
from tests.support.faults import FaultyLink, lose_answer
from tests.support.live_server import LiveServer, Owner
from tests.support.support_requests import support_rows

PATH = "/v1/support-requests"


async def test_a_lost_answer_is_retried_and_the_request_filed_once(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    link = FaultyLink()
    store = make_store(link)
    await store.login(owner.email, owner.password, remember=False)
    link.add("POST", PATH, lose_answer)

    request = await store.request_support(400000, "Invoice us", "ops@acme.test")

    assert support_rows(live_server, owner.account_id) == [
        (request.reference, 400000, "Invoice us")
    ]
    assert [r.reference for r in store.state.support_requests] == [request.reference]


async def test_sending_again_after_every_answer_was_lost_files_nothing_new(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    link = FaultyLink()
    store = make_store(link)
    await store.login(owner.email, owner.password, remember=False)
    link.add("POST", PATH, lose_answer, times=FAST_RETRIES.attempts)

    with pytest.raises(ServerUnreachable):
        await store.request_support(400000, "Invoice us", "ops@acme.test")
    # The server filed it; the person could not know, and presses Send again.
    [(reference, _amount, _message)] = support_rows(live_server, owner.account_id)
    request = await store.request_support(400000, "Invoice us", "ops@acme.test")

    assert request.reference == reference
    assert support_rows(live_server, owner.account_id) == [(reference, 400000, "Invoice us")]

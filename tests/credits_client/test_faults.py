"""Faults over the real server: lost answers, 503 + Retry-After, a 401 mid-edit, a lost save."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from credits_client.api.client import CreditsClient
from credits_client.api.errors import Conflict, ServerUnreachable, SessionExpired
from credits_client.api.models import AutoRechargeUpdate
from credits_client.session_file import SessionFile
from tests.credits_client.conftest import FAST_RETRIES, StoreFactory
from tests.support.faults import FaultyLink, answer_with, lose_answer, unavailable
from tests.support.live_server import LiveServer, Owner


def topups_in_ledger(live_server: LiveServer, owner: Owner) -> list[int]:
    return [row.amount for row in live_server.ledger(owner.account_id) if row.kind == "topup"]


async def test_a_timeout_during_a_top_up_is_retried_with_the_same_key_and_charged_once(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    link = FaultyLink()
    store = make_store(link)
    await store.login(owner.email, owner.password, remember=False)
    charges_before = live_server.charge_count(owner.account_id)
    link.add("POST", "/v1/topups", lose_answer)

    topup = await store.top_up(2500, payment_method_id=owner.payment_method_id)

    assert topup.status == "succeeded"
    assert topups_in_ledger(live_server, owner) == [2500]
    assert live_server.balance(owner.account_id) == 7500
    assert live_server.charge_count(owner.account_id) == charges_before + 1
    assert store.state.account is not None
    assert store.state.account.balance == 7500
    assert not store.state.busy("top_up")


async def test_paying_again_after_every_answer_was_lost_replays_the_same_charge(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    link = FaultyLink()
    store = make_store(link)
    await store.login(owner.email, owner.password, remember=False)
    link.add("POST", "/v1/topups", lose_answer, times=FAST_RETRIES.attempts)

    with pytest.raises(ServerUnreachable):
        await store.top_up(5000, payment_method_id=owner.payment_method_id)
    # The server did charge; the person could not know, and presses Pay again.
    assert live_server.balance(owner.account_id) == 10000
    topup = await store.top_up(5000, payment_method_id=owner.payment_method_id)

    assert topup.status == "succeeded"
    assert topups_in_ledger(live_server, owner) == [5000]
    assert live_server.balance(owner.account_id) == 10000
    assert store.state.account is not None
    assert store.state.account.balance == 10000


async def test_a_declined_payment_is_not_replayed_when_paying_again(
    live_server: LiveServer, make_store: StoreFactory
) -> None:
    declining = live_server.make_owner(balance=1000, card_number="4000000000000341")
    store = make_store()
    await store.login(declining.email, declining.password, remember=False)
    first = await store.top_up(2500, payment_method_id=declining.payment_method_id)
    second = await store.top_up(2500, payment_method_id=declining.payment_method_id)
    assert (first.status, second.status) == ("failed", "failed")
    assert first.id != second.id
    assert live_server.topup_statuses(declining.account_id) == ["failed", "failed"]
    assert live_server.balance(declining.account_id) == 1000


async def test_503_with_retry_after_is_waited_out(live_server: LiveServer, owner: Owner) -> None:
    link = FaultyLink()
    client = CreditsClient(live_server.url, transport=link, retry=FAST_RETRIES)
    client.set_token(owner.token)
    link.add("GET", "/v1/account", unavailable("1"))
    started = time.monotonic()
    account = await client.account()
    waited = time.monotonic() - started
    assert account.balance == live_server.balance(owner.account_id)
    assert waited >= 1.0

    # A wait longer than the client is willing to sit through goes to the person at once.
    link.add("GET", "/v1/account", unavailable("3600"))
    started = time.monotonic()
    with pytest.raises(ServerUnreachable):
        await client.account()
    assert time.monotonic() - started < 1.0
    await client.aclose()


async def test_a_401_in_the_middle_of_editing_auto_recharge_keeps_the_edit(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory, tmp_path: Path
) -> None:
    store = make_store()
    await store.login(owner.email, owner.password, remember=True)
    assert store.state.auto_recharge is not None
    bounds = store.state.auto_recharge.bounds
    draft = AutoRechargeUpdate(
        enabled=True,
        threshold=bounds.threshold_min + 2 * bounds.step,
        amount=bounds.amount_min + bounds.step,
        payment_method_id=owner.payment_method_id,
    )
    store.edit_auto_recharge(draft)
    # The session ends on the server (signed out elsewhere, or it expired).
    remembered_file = SessionFile(tmp_path / "session.json")  # where make_store keeps it
    remembered = remembered_file.load(live_server.url)
    assert remembered is not None
    async with httpx.AsyncClient() as elsewhere:
        revoked = await elsewhere.delete(
            f"{live_server.url}/v1/sessions/current",
            headers={"Authorization": f"Bearer {remembered.token.get_secret_value()}"},
        )
    assert revoked.status_code == 204

    with pytest.raises(SessionExpired):
        await store.save_auto_recharge(draft)

    assert store.state.session_expired
    assert store.state.auto_recharge_draft == draft
    assert store.state.account is not None  # the balance stays on screen behind the sign-in
    assert remembered_file.load(live_server.url) is None  # a dead token is not kept

    await store.login(owner.email, owner.password, remember=False)
    assert store.state.signed_in
    assert store.state.auto_recharge_draft == draft
    saved = await store.save_auto_recharge(draft)
    assert saved.threshold == draft.threshold
    assert store.state.auto_recharge_draft is None
    check = CreditsClient(live_server.url, retry=FAST_RETRIES)
    check.set_token(owner.token)
    on_server, _ = await check.auto_recharge()
    await check.aclose()
    assert (on_server.enabled, on_server.threshold, on_server.amount) == (
        True,
        draft.threshold,
        draft.amount,
    )


async def test_a_save_that_lost_to_another_shows_the_server_values(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory, api: CreditsClient
) -> None:
    store = make_store()
    await store.login(owner.email, owner.password, remember=False)
    current = store.state.auto_recharge
    assert current is not None
    step = current.bounds.step
    theirs = current.as_update().model_copy(
        update={"threshold": current.bounds.threshold_min + 3 * step}
    )
    _, etag = await api.auto_recharge()
    await api.update_auto_recharge(theirs, etag=etag)

    ours = current.as_update().model_copy(
        update={"threshold": current.bounds.threshold_min + 5 * step}
    )
    with pytest.raises(Conflict):
        await store.save_auto_recharge(ours)
    assert store.state.auto_recharge is not None
    assert store.state.auto_recharge.threshold == theirs.threshold
    assert store.state.auto_recharge_draft is None


async def test_a_save_whose_answer_was_lost_is_not_reported_as_a_conflict(
    owner: Owner, make_store: StoreFactory
) -> None:
    link = FaultyLink()
    store = make_store(link)
    await store.login(owner.email, owner.password, remember=False)
    current = store.state.auto_recharge
    assert current is not None
    wanted = current.as_update().model_copy(
        update={"threshold": current.bounds.threshold_min + current.bounds.step}
    )
    link.add("PUT", "/v1/auto-recharge", lose_answer)
    saved = await store.save_auto_recharge(wanted)
    assert saved.threshold == wanted.threshold
    assert store.state.auto_recharge_etag


async def test_a_short_429_on_a_read_is_waited_out_but_a_gateway_error_on_a_write_is_not_retried(
    live_server: LiveServer, owner: Owner
) -> None:
    link = FaultyLink()
    client = CreditsClient(live_server.url, transport=link, retry=FAST_RETRIES)
    client.set_token(owner.token)
    link.add("GET", "/v1/account", answer_with(429, retry_after="1"))
    assert (await client.account()).balance == live_server.balance(owner.account_id)

    # A 502 to a POST might hide a request the server did act on: not sent again.
    link.add("POST", "/v1/support-requests", answer_with(502))
    with pytest.raises(ServerUnreachable):
        await client.create_support_request(150000, "Please call us.", "ops@example.com")
    assert (await client.support_requests()).data == []
    await client.aclose()

"""Contract: the client against the real credits-server; every model parses what it really sends."""

from __future__ import annotations

import uuid

import httpx
import pytest

from credits_client.api.client import CreditsClient
from credits_client.api.errors import (
    ApiError,
    Conflict,
    InvalidCredentials,
    RateLimited,
    SessionExpired,
)
from credits_client.api.models import AutoRechargeUpdate, CardInput
from tests.credits_client.conftest import FAST_RETRIES
from tests.support.live_server import LiveServer, Owner


def card(number: str = "4242424242424242", cvc: str = "123") -> CardInput:
    return CardInput.model_validate(
        {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": cvc, "name": "A Person"}
    )


async def test_server_info_and_sign_in(live_server: LiveServer, owner: Owner) -> None:
    client = CreditsClient(live_server.url, retry=FAST_RETRIES)
    info = await client.server_info()
    assert info.version
    session = await client.login(owner.email, owner.password)
    assert session.user.email == owner.email
    assert session.user.account_id == owner.account_id
    assert session.user.role == "owner"
    client.set_token(session.token)
    assert (await client.account()).id == owner.account_id
    await client.logout()
    with pytest.raises(SessionExpired) as expired:
        await client.account()
    assert expired.value.code == "unauthenticated"
    with pytest.raises(InvalidCredentials) as wrong:
        await client.login(owner.email, "not the password")
    assert wrong.value.status == 401
    await client.aclose()


async def test_account_history_options_and_cards(api: CreditsClient, owner: Owner) -> None:
    account = await api.account()
    assert (account.balance, account.currency) == (5000, "USD")
    assert account.low_balance == (account.balance < account.low_balance_level)
    page = await api.transactions()
    assert [(t.kind, t.amount, t.balance_after) for t in page.data] == [("adjustment", 5000, 5000)]
    assert page.next_cursor is None
    options = await api.topup_options()
    assert options.currency == "USD"
    assert options.min <= min(options.presets) <= max(options.presets) <= options.max
    methods = (await api.payment_methods()).data
    assert [(m.id, m.brand, m.last4, m.is_default) for m in methods] == [
        (owner.payment_method_id, "visa", "4242", True)
    ]


async def test_topup_with_saved_card_replays_for_the_same_key(
    api: CreditsClient, live_server: LiveServer, owner: Owner
) -> None:
    key = str(uuid.uuid4())
    first = await api.create_topup(
        2500, idempotency_key=key, payment_method_id=owner.payment_method_id
    )
    assert (first.status, first.amount, first.balance_after) == ("succeeded", 2500, 7500)
    assert first.payment_method is not None
    assert first.payment_method.last4 == "4242"
    again = await api.create_topup(
        2500, idempotency_key=key, payment_method_id=owner.payment_method_id
    )
    assert again.id == first.id
    assert live_server.balance(owner.account_id) == 7500
    found = await api.find_topup(key)
    assert found is not None
    assert found.id == first.id
    assert await api.find_topup(str(uuid.uuid4())) is None
    assert (await api.topup(first.id)).status == "succeeded"
    with pytest.raises(ApiError) as reused:
        await api.create_topup(1000, idempotency_key=key, payment_method_id=owner.payment_method_id)
    assert reused.value.code == "idempotency_key_reused"


async def test_a_decline_is_an_outcome_not_an_error(
    api: CreditsClient, live_server: LiveServer, owner: Owner
) -> None:
    token = await api.tokenize_card(card("4000000000000002"))
    declined = await api.create_topup(2500, idempotency_key=str(uuid.uuid4()), card_token=token)
    assert declined.status == "failed"
    assert declined.failure_code == "card_declined"
    assert declined.failure_message
    assert declined.payment_method is not None
    assert declined.payment_method.id is None
    assert live_server.balance(owner.account_id) == 5000


async def test_three_d_secure_then_poll(api: CreditsClient, live_server: LiveServer) -> None:
    token = await api.tokenize_card(card("4000002760003184"))
    topup = await api.create_topup(1500, idempotency_key=str(uuid.uuid4()), card_token=token)
    assert topup.status == "requires_action"
    assert topup.action_url
    async with httpx.AsyncClient() as browser:
        approved = await browser.post(
            f"{live_server.url}/sandbox/authenticate/{topup.id}", params={"result": "approve"}
        )
        assert approved.status_code < 400
    assert (await api.topup(topup.id)).status == "succeeded"


async def test_cards_added_defaulted_and_removed(api: CreditsClient, owner: Owner) -> None:
    added = await api.add_payment_method(await api.tokenize_card(card("5555555555554444")))
    assert (added.brand, added.last4, added.is_default) == ("mastercard", "4444", False)
    assert added.id is not None
    default = await api.set_default_payment_method(added.id)
    assert default.is_default
    await api.delete_payment_method(added.id)
    remaining = [m.id for m in (await api.payment_methods()).data]
    assert remaining == [owner.payment_method_id]
    with pytest.raises(ApiError) as bad:
        await api.tokenize_card(card("4242424242424241"))  # the gateway refuses it
    assert bad.value.code == "incorrect_number"
    assert "number" in bad.value.field_errors


async def test_auto_recharge_saves_with_the_etag_and_refuses_a_stale_one(
    api: CreditsClient, owner: Owner
) -> None:
    settings, etag = await api.auto_recharge()
    assert etag
    bounds = settings.bounds
    wanted = AutoRechargeUpdate(
        enabled=True,
        threshold=bounds.threshold_min + bounds.step,
        amount=bounds.amount_min,
        payment_method_id=owner.payment_method_id,
    )
    saved, new_etag = await api.update_auto_recharge(wanted, etag=etag)
    assert saved.as_update() == wanted.model_copy(update={"target": saved.target})
    assert new_etag
    assert new_etag != etag
    with pytest.raises(Conflict) as stale:
        await api.update_auto_recharge(wanted, etag=etag)
    assert stale.value.status == 412
    account = await api.account()
    assert account.low_balance_level == wanted.threshold


async def test_support_requests(api: CreditsClient) -> None:
    made = await api.create_support_request(200000, "We need a larger top-up.", "ops@example.com")
    assert (made.amount, made.currency, made.status) == (200000, "USD", "open")
    assert made.reference
    listed = (await api.support_requests()).data
    assert made.id in [r.id for r in listed]


async def test_unknown_things_and_rate_limits(live_server: LiveServer) -> None:
    stranger = live_server.make_owner(with_card=False)
    client = CreditsClient(live_server.url, retry=FAST_RETRIES)
    client.set_token(stranger.token)
    with pytest.raises(ApiError) as missing:
        await client.topup("top_does_not_exist")
    assert (missing.value.status, missing.value.code) == (404, "not_found")
    client.set_token(None)
    limited: RateLimited | None = None
    for _ in range(30):
        try:
            await client.login(stranger.email, "wrong")
        except RateLimited as error:
            limited = error
            break
        except InvalidCredentials:
            continue
    await client.aclose()
    assert limited is not None
    assert limited.code == "too_many_attempts"
    assert limited.retry_after >= 1

"""The app's store against a credits-server whose gateway is Stripe (the double): the card goes
to "Stripe", the server credits the top-up, and auto-recharge later tops the balance up off
session; the balance the store shows follows, from the server's events."""

from __future__ import annotations

import httpx
import pytest

from credits_client.api.errors import ServerUnreachable
from credits_client.api.models import CardInput
from tests.credits_client.conftest import FAST_RETRIES, StoreFactory, until
from tests.support.engine import enable_auto_recharge, make_api_key, post_usage, usage
from tests.support.faults import FaultyLink, lose_answer
from tests.support.live_server import LiveServer
from tests.support.stripe_double import StripeDouble
from tests.support.stripe_server import ASKS_ALWAYS, SUCCEEDS, double, stripe_server

__all__ = ["double", "stripe_server"]  # the fixtures


def card(number: str) -> CardInput:
    return CardInput.model_validate(
        {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123", "name": "Ada"}
    )


async def test_a_top_up_then_an_auto_recharge_through_stripe(
    stripe_server: LiveServer, double: StripeDouble, make_store: StoreFactory
) -> None:
    owner = stripe_server.make_owner(balance=5000, with_card=False)
    store = make_store(url=stripe_server.url)
    await store.login(owner.email, owner.password, remember=False)
    topup = await store.top_up(2500, card=card(SUCCEEDS), save_card=True)
    assert topup.status == "succeeded"
    assert store.state.account is not None
    assert store.state.account.balance == 7500
    assert [m.last4 for m in store.state.payment_methods] == ["4242"]
    await until(store, lambda s: s.live_events)

    enable_auto_recharge(stripe_server, owner, threshold=1000, amount=2500)
    debit = usage(owner.account_id, 7000)
    assert post_usage(stripe_server, make_api_key(stripe_server), debit).status_code == 201
    await until(store, lambda s: s.account is not None and s.account.balance == 500 + 2500)
    assert stripe_server.balance(owner.account_id) == 3000
    assert sum(1 for c in double.charges.values() if c["customer"]) >= 2


async def test_three_d_secure_through_stripe_ends_in_the_store(
    stripe_server: LiveServer, double: StripeDouble, make_store: StoreFactory
) -> None:
    owner = stripe_server.make_owner(balance=5000, with_card=False)
    store = make_store(url=stripe_server.url)
    await store.login(owner.email, owner.password, remember=False)
    topup = await store.top_up(2000, card=card(ASKS_ALWAYS))
    assert topup.status == "requires_action"
    assert topup.action_url is not None
    async with httpx.AsyncClient(follow_redirects=False) as browser:
        stripe_page = (await browser.get(topup.action_url)).headers["location"]
        await browser.post(stripe_page, params={"result": "approve"})
    done = await store.wait_for_topup(topup.id)
    assert done.status == "succeeded"
    assert store.state.account is not None
    assert store.state.account.balance == 7000


async def test_paying_again_after_a_lost_answer_sends_the_same_token_and_charges_once(
    stripe_server: LiveServer, double: StripeDouble, make_store: StoreFactory
) -> None:
    owner = stripe_server.make_owner(balance=5000, with_card=False)
    link = FaultyLink()
    link.add("POST", "/v1/topups", lose_answer, times=FAST_RETRIES.attempts)
    store = make_store(link, url=stripe_server.url)
    await store.login(owner.email, owner.password, remember=False)
    methods_before, charges_before = len(double.methods), len(double.charges)
    with pytest.raises(ServerUnreachable):
        await store.top_up(2500, card=card(SUCCEEDS))
    topup = await store.top_up(2500, card=card(SUCCEEDS))  # Pay pressed again
    assert topup.status == "succeeded"
    assert len(double.methods) == methods_before + 1  # tokenized once
    assert len(double.charges) == charges_before + 1  # charged once
    assert stripe_server.topup_statuses(owner.account_id) == ["succeeded"]
    assert stripe_server.balance(owner.account_id) == 7500

"""Top-ups against the running server: every sandbox test card, idempotency, 3-D Secure."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from credits_client.api.models import Page, PaymentMethod, Topup
from tests.support.cards import save_card, through_gateway, tokenize
from tests.support.live_server import LiveServer, Owner

DECLINES = {
    "4000000000000002": "card_declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
    "4000000000000119": "processing_error",
    "4000000000000341": "card_declined",
}


def card(number: str) -> dict[str, object]:
    cvc = "1234" if number.startswith(("34", "37")) else "123"  # American Express has four
    return {"number": number, "exp_month": 12, "exp_year": 2039, "cvc": cvc, "name": "T"}


async def top_up(
    client: httpx.AsyncClient, body: dict[str, object], key: str | None = None
) -> httpx.Response:
    """POST /v1/topups as the app sends it: a typed `card` tokenized at the gateway first."""
    return await client.post(
        "/v1/topups",
        json=await through_gateway(client, body),
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
    )


async def test_saved_card_top_up_credits_the_ledger_once(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient
) -> None:
    response = await top_up(client, {"amount": 2500, "payment_method_id": owner.payment_method_id})
    assert response.status_code == 201
    topup = Topup.model_validate(response.json())
    assert (topup.status, topup.balance_after, topup.amount) == ("succeeded", 7500, 2500)
    assert topup.payment_method is not None
    assert topup.payment_method.last4 == "4242"
    assert live_server.balance(owner.account_id) == 7500
    assert [(row.kind, row.amount) for row in live_server.ledger(owner.account_id)][-1] == (
        "topup",
        2500,
    )
    assert live_server.charge_count(owner.account_id) == 1


@pytest.mark.parametrize("number", ["4242424242424242", "5555555555554444", "378282246310005"])
async def test_a_one_off_card_that_succeeds(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient, number: str
) -> None:
    response = await top_up(client, {"amount": 1000, "card": card(number)})
    topup = Topup.model_validate(response.json())
    assert topup.status == "succeeded"
    assert topup.payment_method is not None
    assert topup.payment_method.id is None
    assert live_server.balance(owner.account_id) == 6000


@pytest.mark.parametrize(
    ("number", "line"),
    [
        ("6200000000000005", "Top-up, UnionPay •••• 0005"),
        ("3566002020360505", "Top-up, JCB •••• 0505"),
        ("6221260000000000", "Top-up, Discover •••• 0000"),
        ("36227206271667", "Top-up, Diners Club •••• 1667"),
    ],
)
async def test_the_ledger_names_the_brand_as_the_app_does(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient, number: str, line: str
) -> None:
    response = await top_up(client, {"amount": 1000, "card": card(number)})
    assert Topup.model_validate(response.json()).status == "succeeded"
    assert live_server.ledger(owner.account_id)[-1].description == line


@pytest.mark.parametrize(("number", "code"), sorted(DECLINES.items()))
async def test_a_declined_card_fails_with_its_code_and_changes_no_balance(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient, number: str, code: str
) -> None:
    response = await top_up(client, {"amount": 5000, "card": card(number), "save_card": True})
    assert response.status_code == 201
    topup = Topup.model_validate(response.json())
    assert (topup.status, topup.failure_code, topup.balance_after) == ("failed", code, None)
    assert topup.failure_message
    assert live_server.balance(owner.account_id) == 5000
    assert [row.kind for row in live_server.ledger(owner.account_id)] == ["adjustment"]
    methods = Page[PaymentMethod].model_validate((await client.get("/v1/payment-methods")).json())
    assert [m.last4 for m in methods.data] == ["4242"]  # the failed card was not saved


@pytest.mark.parametrize(("number", "code"), sorted(DECLINES.items()))
async def test_saving_a_card_is_refused_unless_it_declines_only_charges(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient, number: str, code: str
) -> None:
    response = await save_card(client, card(number))
    if number == "4000000000000341":
        assert response.status_code == 201
        saved = PaymentMethod.model_validate(response.json())
        charged = await top_up(client, {"amount": 1000, "payment_method_id": saved.id})
        assert Topup.model_validate(charged.json()).failure_code == "card_declined"
    else:
        assert response.status_code == 402
        assert response.json()["code"] == code
    assert live_server.balance(owner.account_id) == 5000


async def test_luhn_failure_is_refused_by_the_gateway_before_any_charge(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient
) -> None:
    response = await tokenize(client, card("4242424242424241"))
    assert response.status_code == 402
    error = response.json()["error"]
    assert (error["type"], error["code"], error["param"]) == (
        "card_error",
        "incorrect_number",
        "card[number]",
    )
    assert live_server.charge_count(owner.account_id) == 0
    assert live_server.topup_statuses(owner.account_id) == []


@pytest.mark.parametrize("number", ["4000002500003155", "4000002760003184"])
async def test_authentication_required_then_approved(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient, number: str
) -> None:
    response = await top_up(client, {"amount": 2500, "card": card(number), "save_card": True})
    topup = Topup.model_validate(response.json())
    assert topup.status == "requires_action"
    assert topup.action_url
    assert live_server.balance(owner.account_id) == 5000
    page = await client.get(topup.action_url)
    assert page.status_code == 200
    assert "Approve" in page.text
    assert f"$25.00 with Visa •••• {number[-4:]}" in page.text
    approved = await client.post(topup.action_url, params={"result": "approve"})
    assert Topup.model_validate(approved.json()).status == "succeeded"
    polled = Topup.model_validate((await client.get(f"/v1/topups/{topup.id}")).json())
    assert (polled.status, polled.balance_after) == ("succeeded", 7500)
    assert live_server.balance(owner.account_id) == 7500
    # Saved after authentication: 3155 is then charged without asking again, 3184 always asks.
    assert polled.payment_method is not None
    assert polled.payment_method.id is not None
    again = await top_up(client, {"amount": 1000, "payment_method_id": polled.payment_method.id})
    expected = "succeeded" if number == "4000002500003155" else "requires_action"
    assert Topup.model_validate(again.json()).status == expected


async def test_authentication_declined_changes_no_balance(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient
) -> None:
    response = await top_up(client, {"amount": 2500, "card": card("4000002760003184")})
    topup = Topup.model_validate(response.json())
    assert topup.action_url
    declined = await client.post(topup.action_url, params={"result": "decline"})
    assert Topup.model_validate(declined.json()).status == "failed"
    assert live_server.balance(owner.account_id) == 5000


async def test_same_key_same_body_replays_other_body_is_refused(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient
) -> None:
    body = {"amount": 2500, "payment_method_id": owner.payment_method_id}
    first = await top_up(client, body, key="key-1")
    again = await top_up(client, body, key="key-1")
    other = await top_up(client, {**body, "amount": 5000}, key="key-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    found = await client.get("/v1/topups", params={"idempotency_key": "key-1"})
    assert [t["id"] for t in found.json()["data"]] == [first.json()["id"]]
    assert live_server.charge_count(owner.account_id) == 1
    assert live_server.balance(owner.account_id) == 7500


async def test_fifty_concurrent_requests_with_one_key_charge_once(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient
) -> None:
    body = {"amount": 1000, "payment_method_id": owner.payment_method_id}
    answers = await asyncio.gather(*(top_up(client, body, key="same-key") for _ in range(50)))
    assert sorted(a.status_code for a in answers) == [200] * 49 + [201]
    topups = [Topup.model_validate(a.json()) for a in answers]
    assert {(t.id, t.status) for t in topups} == {(topups[0].id, "succeeded")}
    assert live_server.charge_count(owner.account_id) == 1
    assert [row.kind for row in live_server.ledger(owner.account_id)] == ["adjustment", "topup"]
    assert live_server.balance(owner.account_id) == 6000


async def test_missing_key_and_amounts_out_of_bounds(
    owner: Owner, client: httpx.AsyncClient
) -> None:
    body = {"amount": 2500, "payment_method_id": owner.payment_method_id}
    missing = await client.post("/v1/topups", json=body)
    assert (missing.status_code, missing.json()["code"]) == (400, "idempotency_key_required")
    low = await top_up(client, {**body, "amount": 999})
    high = await top_up(client, {**body, "amount": 100001})
    text = await top_up(client, {**body, "amount": "2500"})
    assert (low.status_code, low.json()["code"]) == (422, "amount_below_minimum")
    assert (high.status_code, high.json()["code"]) == (422, "amount_above_maximum")
    assert (text.status_code, text.json()["errors"][0]["field"]) == (422, "amount")


async def test_bad_card_fields_are_named_by_the_gateway(client: httpx.AsyncClient) -> None:
    bad = {"number": "4242 4242 4242 4242", "exp_month": 1, "exp_year": 2020, "cvc": "12"}
    response = await tokenize(client, bad)
    assert response.status_code == 402
    assert response.json()["error"]["param"] == "card[exp_year]"
    assert "4242" not in response.text


@pytest.mark.parametrize(
    "body",
    [
        {"amount": 1000, "card": card("4242424242424242")},
        {"amount": 1000, "card_token": "pm_x", "note": "4242 4242 4242 4242"},
        {"amount": 1000, "payment_method_id": "pm_x", "cvc": "123"},
    ],
)
async def test_card_data_sent_to_the_server_is_refused(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient, body: dict[str, object]
) -> None:
    for path in ("/v1/topups", "/v1/payment-methods", "/v1/support-requests"):
        response = await client.post(path, json=body, headers={"Idempotency-Key": "k"})
        assert (response.status_code, response.json()["code"]) == (422, "card_data_refused")
    assert live_server.topup_statuses(owner.account_id) == []


async def test_the_app_learns_where_to_tokenize(client: httpx.AsyncClient) -> None:
    config = (await client.get("/v1/payment-config")).json()
    assert config == {
        "gateway": "sandbox",
        "publishable_key": "pk_sandbox",
        "tokenization_url": "/sandbox/v1/payment_methods",
        "payment_page": "offered",
    }

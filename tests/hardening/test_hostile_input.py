"""Hostile input at the server: refused with a problem document, never a 500, nothing charged;
text that looks like markup or terminal control is kept and returned as data, verbatim."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.hardening.conftest import assert_problem
from tests.support.cards import save_card, tokenize
from tests.support.live_server import LiveServer, Owner

# Raw JSON literals, so floats like 1e309 reach the server exactly as a hostile client types them.
BAD_AMOUNTS = [
    "-1000",
    "0",
    str(2**63),
    str(10**30),
    "10.5",
    "10.001",
    "5000.0",
    "1e309",
    "-1e309",
    '"5000"',
    '"\\uff15\\uff10\\uff10\\uff10"',  # fullwidth digits
    '"\\u0665\\u0660\\u0660\\u0660"',  # Arabic-Indic digits
    '""',
    "null",
    "true",
    "[5000]",
    '{"value": 5000}',
]


async def post_raw(
    client: httpx.AsyncClient, path: str, body: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    sent = {"content-type": "application/json", **(headers or {})}
    return await client.post(path, content=body.encode(), headers=sent)


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
async def test_a_hostile_topup_amount_is_refused_and_charges_nothing(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient, amount: str
) -> None:
    body = f'{{"amount": {amount}, "payment_method_id": "{owner.payment_method_id}"}}'
    response = await post_raw(client, "/v1/topups", body, {"Idempotency-Key": uuid.uuid4().hex})
    problem = assert_problem(response, 422)
    assert problem["code"] in {"validation_error", "amount_below_minimum", "amount_above_maximum"}
    assert live_server.balance(owner.account_id) == 5000
    assert live_server.charge_count(owner.account_id) == 0


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
async def test_a_hostile_support_amount_is_refused(client: httpx.AsyncClient, amount: str) -> None:
    body = f'{{"amount": {amount}, "message": "m", "contact": "ops@acme.test"}}'
    response = await post_raw(client, "/v1/support-requests", body)
    assert_problem(response, 422)


@pytest.mark.parametrize("field", ["threshold", "amount", "target", "daily_limit", "monthly_cap"])
@pytest.mark.parametrize("value", ["-1", str(2**63), "1e309", "10.5", '"1000"'])
async def test_hostile_auto_recharge_numbers_are_refused(
    client: httpx.AsyncClient, field: str, value: str
) -> None:
    etag = (await client.get("/v1/auto-recharge")).headers["etag"]
    # top_up_to, so `target` is read too (the add mode ignores it).
    fields = {"enabled": "false", "mode": '"top_up_to"', "threshold": "1000", "amount": "2500"}
    fields |= {"target": "5000", field: value}
    body = "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}"
    response = await client.put(
        "/v1/auto-recharge",
        content=body.encode(),
        headers={"content-type": "application/json", "If-Match": etag},
    )
    assert_problem(response, 422)


@pytest.mark.parametrize("amount", ["0", "-5", str(2**63), "1e309", "2.5", '"10"'])
async def test_hostile_usage_amounts_are_refused(
    live_server: LiveServer, owner: Owner, amount: str
) -> None:
    key = live_server.run(_api_key)
    body = (
        f'{{"account_id": "{owner.account_id}", "amount": {amount}, '
        f'"kind": "call", "reference": "{uuid.uuid4().hex}"}}'
    )
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await post_raw(client, "/v1/usage", body, {"Authorization": f"Bearer {key}"})
    assert_problem(response, 422)
    assert live_server.balance(owner.account_id) == 5000


async def _api_key(ctx: object) -> str:
    from credits_server.context import Context
    from credits_server.services.api_keys import create_api_key

    assert isinstance(ctx, Context)
    return (await create_api_key(ctx, "hostile-input")).key


HOSTILE_CARDS = [
    {"number": "4242abcd42424242"},
    {"number": "4" * 30},
    {"number": "4242\x00424242424242"},
    {"number": "4242\x1b[2J4242424242"},
    {"number": ""},
    {"cvc": "12a"},
    {"cvc": "\x00\x00\x00"},
    {"cvc": "12345678"},
    {"exp_month": 13},
    {"exp_month": -1},
    {"exp_month": "12"},
    {"exp_year": 2**63},
    {"exp_year": 1999},
]


@pytest.mark.parametrize("change", HOSTILE_CARDS, ids=lambda c: repr(c)[:40])
async def test_hostile_card_fields_are_refused_never_echoed(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient, change: dict[str, object]
) -> None:
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2039, "cvc": "123"}
    card.update(change)
    # To the gateway's tokenization endpoint, as the app sends a card: refused as Stripe does
    # (402 card_error) except "12" for a month, which a form field always is.
    tokenized = await tokenize(client, card)
    if change != {"exp_month": "12"}:
        assert (tokenized.status_code, tokenized.json()["error"]["type"]) == (402, "card_error")
    # To credits-server itself: refused whatever the fields hold.
    saved = await client.post("/v1/payment-methods", json=card)
    paid = await client.post(
        "/v1/topups",
        json={"amount": 1000, "card": card, "save_card": False},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    for response in (saved, paid):
        problem = assert_problem(response, 422)
        assert problem["code"] == "card_data_refused"
    for response in (tokenized, saved, paid):
        # The rejected value is never sent back (it may be most of a card number).
        for value in change.values():
            if isinstance(value, str) and len(value) > 3:
                assert value not in response.text
    assert live_server.charge_count(owner.account_id) == 0
    methods = (await client.get("/v1/payment-methods")).json()["data"]
    assert [m["id"] for m in methods] == [owner.payment_method_id]


# What a hostile user, or an account name set by someone else, might try on a terminal.
HOSTILE_TEXT = "[bold red]x[/] \x1b[2J\x1b]0;pwned\x07 [link=http://evil.test]y[/link] \u202e"


async def test_markup_and_escape_sequences_are_kept_as_data(
    live_server: LiveServer, client: httpx.AsyncClient
) -> None:
    body = {"amount": 250000, "message": HOSTILE_TEXT, "contact": HOSTILE_TEXT[:40]}
    created = await client.post("/v1/support-requests", json=body)
    assert created.status_code == 201
    listed = (await client.get("/v1/support-requests")).json()["data"]
    assert created.json()["message"] == listed[0]["message"] == HOSTILE_TEXT
    assert listed[0]["contact"] == HOSTILE_TEXT[:40]
    # JSON escapes the control characters: the log and the answer carry no raw escape byte.
    assert "\x1b" not in created.text
    assert b"\x1b" not in live_server.log_path.read_bytes()


async def test_a_hostile_account_name_and_card_name_come_back_verbatim(
    live_server: LiveServer,
) -> None:
    owner = live_server.make_owner(balance=1000, name=HOSTILE_TEXT)
    async with httpx.AsyncClient(base_url=live_server.url, headers=owner.headers) as client:
        account = (await client.get("/v1/account")).json()
        card = {
            "number": "5555555555554444",
            "exp_month": 12,
            "exp_year": 2039,
            "cvc": "123",
            "name": HOSTILE_TEXT,
        }
        saved = await save_card(client, card)
    assert account["name"] == HOSTILE_TEXT
    assert saved.status_code == 201
    assert saved.json()["name"] == HOSTILE_TEXT


async def test_a_body_of_deep_nesting_or_wrong_type_is_a_problem(
    client: httpx.AsyncClient,
) -> None:
    deep = "[" * 5000 + "]" * 5000
    answers = [
        await post_raw(client, "/v1/support-requests", deep),
        await post_raw(client, "/v1/support-requests", json.dumps([1, 2, 3])),
        await post_raw(client, "/v1/support-requests", "\xff\xfe"),
        await client.post(
            "/v1/support-requests", content=b"amount=1", headers={"content-type": "text/plain"}
        ),
    ]
    for answer in answers:
        assert_problem(answer, 400, 415, 422)


async def test_an_oversized_body_is_refused_early_with_413(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient
) -> None:
    huge = json.dumps({"amount": 1000, "message": "x" * 2_000_000, "contact": "a@b.test"})
    declared = await post_raw(client, "/v1/support-requests", huge)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b" " * 65536  # no Content-Length: the body is counted as it arrives

    streamed = await client.post(
        "/v1/support-requests", content=chunks(), headers={"content-type": "application/json"}
    )
    for response in (declared, streamed):
        problem = assert_problem(response, 413)
        assert problem["code"] == "payload_too_large"
        assert response.headers["x-request-id"]
    # The server is still well and nothing was stored.
    assert (await client.get("/v1/support-requests")).json()["data"] == []

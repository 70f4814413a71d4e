"""POST /v1/usage: API keys, idempotent records, batches answered record by record, overdraft."""

from __future__ import annotations

import httpx

from credits_client.api.models import Page, Transaction
from tests.support.engine import post_usage, usage
from tests.support.live_server import LiveServer


def test_a_record_debits_once_by_reference(engine_server: LiveServer, api_key: str) -> None:
    owner = engine_server.make_owner(balance=5000)
    record = usage(owner.account_id, 125, "call-0001")
    first = post_usage(engine_server, api_key, record)
    again = post_usage(engine_server, api_key, record)
    assert first.status_code == 201
    assert first.json()["status"] == "applied"
    assert first.json()["balance_after"] == 4875
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["transaction_id"] == first.json()["transaction_id"]
    assert engine_server.balance(owner.account_id) == 4875
    listed = httpx.get(
        f"{engine_server.url}/v1/account/transactions",
        headers=owner.headers,
        params={"kind": "usage"},
    )
    page = Page[Transaction].model_validate(listed.json())
    assert [(t.kind, t.amount, t.description) for t in page.data] == [
        ("usage", -125, "Call (call-0001)")
    ]


def test_the_same_reference_on_another_account_is_another_record(
    engine_server: LiveServer, api_key: str
) -> None:
    one = engine_server.make_owner(balance=1000)
    two = engine_server.make_owner(balance=1000)
    for account in (one, two):
        answer = post_usage(engine_server, api_key, usage(account.account_id, 100, "shared-ref"))
        assert answer.status_code == 201
    assert engine_server.balance(one.account_id) == 900
    assert engine_server.balance(two.account_id) == 900


def test_past_the_overdraft_is_402_and_nothing_is_debited(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=300)
    refused = post_usage(engine_server, api_key, usage(owner.account_id, 301))
    exact = post_usage(engine_server, api_key, usage(owner.account_id, 300))
    assert refused.status_code == 402
    assert refused.json()["code"] == "insufficient_credits"
    assert exact.status_code == 201
    assert engine_server.balance(owner.account_id) == 0
    assert [row.kind for row in engine_server.ledger(owner.account_id)] == ["adjustment", "usage"]


def test_a_batch_answers_each_record_on_its_own(engine_server: LiveServer, api_key: str) -> None:
    owner = engine_server.make_owner(balance=1000)
    account = owner.account_id
    records = [
        usage(account, 200, "b-1"),
        usage(account, 200, "b-1"),  # the same record twice in one batch
        usage(account, 5000, "b-2"),  # more than the balance
        usage("acct_nobody", 10, "b-3"),
        {**usage(account, 10, "b-4"), "amount": 1.5},  # money is never a float
        usage(account, 300, "b-5"),
    ]
    answer = post_usage(engine_server, api_key, {"records": records})
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [(r["reference"], r["status"], r["code"]) for r in results] == [
        ("b-1", "applied", None),
        ("b-1", "duplicate", None),
        ("b-2", "refused", "insufficient_credits"),
        ("b-3", "refused", "not_found"),
        ("b-4", "refused", "validation_error"),
        ("b-5", "applied", None),
    ]
    assert results[-1]["balance_after"] == 500
    assert engine_server.balance(owner.account_id) == 500


def test_a_full_batch_of_1000_is_applied(engine_server: LiveServer, api_key: str) -> None:
    owner = engine_server.make_owner(balance=100_000)
    records = [usage(owner.account_id, 7, f"full-{i}") for i in range(1000)]
    answer = post_usage(engine_server, api_key, {"records": records})
    assert answer.status_code == 200
    assert {r["status"] for r in answer.json()["results"]} == {"applied"}
    assert engine_server.balance(owner.account_id) == 93_000
    too_many = post_usage(engine_server, api_key, {"records": [*records, records[0]]})
    assert too_many.status_code == 413
    assert too_many.json()["code"] == "payload_too_large"


def test_usage_needs_an_api_key_not_a_session(engine_server: LiveServer, api_key: str) -> None:
    owner = engine_server.make_owner(balance=1000)
    record = usage(owner.account_id, 10)
    no_key = httpx.post(f"{engine_server.url}/v1/usage", json=record)
    session = httpx.post(f"{engine_server.url}/v1/usage", json=record, headers=owner.headers)
    made_up = post_usage(engine_server, "ck_" + "x" * 43, record)
    assert [no_key.status_code, session.status_code, made_up.status_code] == [401, 401, 401]
    assert {r.json()["code"] for r in (no_key, session, made_up)} == {"unauthenticated"}
    assert engine_server.balance(owner.account_id) == 1000
    assert engine_server.find_secrets([api_key]) == []  # only its hash is stored


def test_usage_takes_the_key_only_as_a_bearer_token(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=1000)
    record = usage(owner.account_id, 10)
    refused = [
        httpx.post(f"{engine_server.url}/v1/usage", json=record, headers={"Authorization": value})
        for value in (f"Basic {api_key}", api_key, "Bearer", f"Token {api_key}")
    ]
    assert [answer.status_code for answer in refused] == [401] * 4
    assert {answer.json()["code"] for answer in refused} == {"unauthenticated"}
    assert {answer.headers["www-authenticate"] for answer in refused} == {'Bearer realm="credits"'}
    assert {answer.headers["content-type"] for answer in refused} == {"application/problem+json"}
    lower = httpx.post(
        f"{engine_server.url}/v1/usage", json=record, headers={"Authorization": f"bearer {api_key}"}
    )
    assert lower.status_code == 201
    assert engine_server.balance(owner.account_id) == 990

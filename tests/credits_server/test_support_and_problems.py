"""Support requests, and the problem documents every error answers with."""

from __future__ import annotations

import json

import httpx

from credits_client.api.models import Page, Problem, SupportRequest
from tests.support.live_server import LiveServer, Owner
from tests.support.support_requests import support_rows
from tests.support.wait import wait_for


async def test_a_support_request_is_listed_for_its_account_only(
    live_server: LiveServer, client: httpx.AsyncClient
) -> None:
    body = {"amount": 250000, "message": "Need $2,500 for a campaign", "contact": "ops@acme.test"}
    created = await client.post("/v1/support-requests", json=body)
    assert created.status_code == 201
    request = SupportRequest.model_validate(created.json())
    assert (request.status, request.currency, request.amount) == ("open", "USD", 250000)
    assert request.reference.startswith("SR-")
    mine = Page[SupportRequest].model_validate((await client.get("/v1/support-requests")).json())
    assert [r.id for r in mine.data] == [request.id]
    other = live_server.make_owner(with_card=False)
    async with httpx.AsyncClient(base_url=live_server.url, headers=other.headers) as theirs:
        assert (await theirs.get("/v1/support-requests")).json()["data"] == []


async def test_validation_errors_name_each_field(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/support-requests",
        json={"amount": 12.5, "message": "x"},
        headers={"X-Request-ID": "abc-1"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-request-id"] == "abc-1"
    problem = Problem.model_validate(response.json())
    assert problem.code == "validation_error"
    assert problem.request_id == "abc-1"
    assert {e.field for e in problem.errors} == {"amount", "contact"}


async def test_unknown_paths_and_malformed_json_are_problems(client: httpx.AsyncClient) -> None:
    missing = await client.get("/v1/nothing-here")
    broken = await client.post(
        "/v1/support-requests", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (broken.status_code, broken.json()["code"]) == (422, "validation_error")


async def test_the_openapi_document_is_served(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        document = (await client.get("/openapi.json")).json()
    assert "/v1/topups" in document["paths"]
    assert "/v1/auto-recharge" in document["paths"]
    put = document["paths"]["/v1/auto-recharge"]["put"]["responses"]
    assert put["422"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    assert set(document["components"]["schemas"]["Problem"]["properties"]) == {
        "type",
        "title",
        "status",
        "detail",
        "code",
        "errors",
        "request_id",
    }


async def test_one_json_log_line_per_request_with_its_request_id(
    live_server: LiveServer, client: httpx.AsyncClient, owner: Owner
) -> None:
    response = await client.get("/v1/account", params={"secret": "query-strings-stay-out"})
    request_id = response.headers["x-request-id"]

    def logged() -> list[dict[str, object]]:
        lines = [json.loads(line) for line in live_server.log_path.read_text().splitlines()]
        return [line for line in lines if line.get("request_id") == request_id]

    # The line is written once the response has been sent, so it may trail the answer a little.
    wait_for(lambda: bool(logged()), within=10, what="the request's log line")
    mine = logged()
    assert len(mine) == 1
    assert mine[0]["path"] == "/v1/account"
    assert mine[0]["status"] == 200
    assert mine[0]["account_id"] == owner.account_id
    assert "query-strings-stay-out" not in live_server.log_path.read_text()


async def test_a_support_request_repeated_with_its_idempotency_key_is_filed_once(
    live_server: LiveServer, client: httpx.AsyncClient, owner: Owner
) -> None:
    body = {"amount": 300000, "message": "Invoice us, please", "contact": "ops@acme.test"}
    key = {"Idempotency-Key": "support-retry-1"}
    first = await client.post("/v1/support-requests", json=body, headers=key)
    again = await client.post("/v1/support-requests", json=body, headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    other = await client.post("/v1/support-requests", json={**body, "amount": 1}, headers=key)
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    reference = first.json()["reference"]
    assert support_rows(live_server, owner.account_id) == [
        (reference, 300000, "Invoice us, please")
    ]


async def test_the_same_idempotency_key_on_two_accounts_files_one_request_each(
    live_server: LiveServer, client: httpx.AsyncClient, owner: Owner
) -> None:
    body = {"amount": 300000, "message": "Invoice us", "contact": "ops@acme.test"}
    key = {"Idempotency-Key": "shared-key"}
    other = live_server.make_owner(with_card=False)
    async with httpx.AsyncClient(base_url=live_server.url, headers=other.headers) as theirs:
        theirs_made = await theirs.post("/v1/support-requests", json=body, headers=key)
    mine = await client.post("/v1/support-requests", json=body, headers=key)
    assert (theirs_made.status_code, mine.status_code) == (201, 201)
    assert len(support_rows(live_server, owner.account_id)) == 1
    assert len(support_rows(live_server, other.account_id)) == 1

"""What the OpenAPI document declares is what the server does: 405 names every method the path
answers, the document's enums and bounds are the ones enforced, and a record of the wrong shape
in a usage batch is refused on its own, never a 500."""

from __future__ import annotations

import httpx

from tests.hardening.conftest import assert_problem
from tests.support.engine import make_api_key
from tests.support.live_server import LiveServer, Owner


async def test_405_lists_every_method_of_the_path(
    live_server: LiveServer, client: httpx.AsyncClient
) -> None:
    for path, allowed in [
        ("/v1/topups", "GET, POST"),
        ("/v1/support-requests", "GET, POST"),
        ("/v1/auto-recharge", "GET, PUT"),
        ("/v1/payment-methods", "GET, POST"),
    ]:
        answer = await client.request("PATCH", path)
        assert_problem(answer, 405)
        assert answer.headers["allow"] == allowed, path


def test_the_document_declares_what_is_enforced(live_server: LiveServer) -> None:
    document = httpx.get(f"{live_server.url}/openapi.json", timeout=30).json()
    schemas = document["components"]["schemas"]
    parameters = document["paths"]["/v1/account/transactions"]["get"]["parameters"]
    kind = next(p for p in parameters if p["name"] == "kind")
    assert set(kind["schema"]["anyOf"][0]["enum"]) == {
        "topup",
        "auto_recharge",
        "usage",
        "adjustment",
        "refund",
    }
    assert schemas["SupportBody"]["properties"]["amount"]["minimum"] == 1
    amount = schemas["TopupBody"]["properties"]["amount"]
    assert (amount["minimum"], amount["maximum"]) == (1000, 100000)  # the settings' defaults
    links = document["paths"]["/v1/topups"]["post"]["responses"]["201"]["links"]
    assert links["GetTopup"]["parameters"] == {"topup_id": "$response.body#/id"}


def test_a_usage_record_of_the_wrong_shape_in_a_batch_is_refused_alone(
    live_server: LiveServer, owner: Owner
) -> None:
    key = make_api_key(live_server)
    record = {"account_id": owner.account_id, "amount": 1, "kind": {}, "reference": "shape"}
    answer = httpx.post(
        f"{live_server.url}/v1/usage",
        json={"records": [record]},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    [result] = answer.json()["results"]
    assert (result["status"], result["code"]) == ("refused", "validation_error")

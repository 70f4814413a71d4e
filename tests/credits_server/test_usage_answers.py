"""POST /v1/usage answers byte for byte as every other endpoint would: the same problem documents
(RFC 9457, with the request's id), the same headers, the same request log line, the same refusals
of a body too large or carrying card data. The endpoint has a path of its own in front of the
FastAPI stack (credits_server.api.usage_path); these answers are what it must keep."""

from __future__ import annotations

import json
import secrets
import socket
from http import HTTPStatus
from typing import Any

import httpx
import pytest

from tests.support.engine import make_api_key, post_usage, usage
from tests.support.live_server import LiveServer
from tests.support.wait import wait_for

PROBLEM = "application/problem+json"


def _post(
    server: LiveServer, body: bytes | dict[str, Any], headers: dict[str, str], **options: Any
) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(
        f"{server.url}/v1/usage", content=content, headers=headers, timeout=30, **options
    )


def _problem(status: int, code: str, detail: str, request_id: str) -> dict[str, Any]:
    return {
        "type": f"/problems/{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "errors": [],
        "request_id": request_id,
    }


def _raw(server: LiveServer, head: bytes, chunks: list[bytes]) -> tuple[int, dict[str, str], Any]:
    """A request written by hand (a bad Content-Length, a chunked body), answered whole."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(head)
        for chunk in chunks:
            connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        if chunks:
            connection.sendall(b"0\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += connection.recv(65536)
        top, _, body = answer.partition(b"\r\n\r\n")
        lines = top.decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines[1:])
        while len(body) < int(headers["content-length"]):
            body += connection.recv(65536)
    return int(lines[0].split()[1]), headers, json.loads(body)


def _logged(server: LiveServer, request_id: str) -> dict[str, Any]:
    """The request's log line (written once its answer has been sent)."""

    def lines() -> list[dict[str, Any]]:
        entries = [json.loads(text) for text in server.log_path.read_text().splitlines()]
        return [e for e in entries if e.get("request_id") == request_id and e["event"] == "request"]

    wait_for(lambda: bool(lines()), what=f"the log line of {request_id}")
    [line] = lines()
    return line


@pytest.fixture
def key_headers(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}


def test_an_applied_record_is_answered_and_logged(
    engine_server: LiveServer, key_headers: dict[str, str]
) -> None:
    owner = engine_server.make_owner(balance=1000)
    request_id = f"usage-{secrets.token_hex(4)}"
    record = usage(owner.account_id, 25, "answer-1")
    applied = _post(engine_server, record, {**key_headers, "X-Request-ID": request_id})
    again = _post(engine_server, record, key_headers)
    assert applied.status_code == 201
    assert applied.headers["content-type"] == "application/json"
    assert applied.headers["x-request-id"] == request_id
    transaction = applied.json()["transaction_id"]
    assert applied.json() == {
        "reference": "answer-1",
        "account_id": owner.account_id,
        "status": "applied",
        "transaction_id": transaction,
        "amount": -25,
        "balance_after": 975,
        "currency": "USD",
        "code": None,
        "detail": None,
    }
    assert applied.content == json.dumps(applied.json(), separators=(",", ":")).encode()
    assert again.status_code == 200
    assert again.json() == {**applied.json(), "status": "duplicate"}
    assert len(again.headers["x-request-id"]) == 32  # none sent: a new one
    line = _logged(engine_server, request_id)
    assert line["level"] == "info"
    assert {k: v for k, v in line.items() if k not in ("ts", "duration_ms")} == {
        "level": "info",
        "event": "request",
        "request_id": request_id,
        "method": "POST",
        "path": "/v1/usage",
        "status": 201,
        "account_id": None,
    }
    assert isinstance(line["duration_ms"], float)


def test_an_unsafe_request_id_is_replaced(
    engine_server: LiveServer, key_headers: dict[str, str]
) -> None:
    owner = engine_server.make_owner(balance=1000)
    answer = _post(
        engine_server, usage(owner.account_id, 1), {**key_headers, "X-Request-ID": "bad id\t!"}
    )
    assert answer.status_code == 201
    assert answer.headers["x-request-id"] != "bad id\t!"
    assert len(answer.headers["x-request-id"]) == 32


@pytest.mark.parametrize(
    ("body", "status", "code", "detail"),
    [
        (b"{not json", 422, "validation_error", "The body is not valid JSON."),
        (b"", 422, "validation_error", "The body is not valid JSON."),
        (b"\xff\xfe{", 422, "validation_error", "The body is not valid JSON."),
        (b'{"records": "x"}', 422, "validation_error", "Send {records: [UsageRecord, ...]}."),
        (
            b'{"records": [], "more": 1}',
            422,
            "validation_error",
            "Send {records: [UsageRecord, ...]}.",
        ),
        (b"[1]", 422, "validation_error", "A usage record is a JSON object."),
        (
            b'{"account_id": "", "amount": 1.5, "kind": "fax", "reference": "", "x": 1}',
            422,
            "validation_error",
            "account_id is required; amount must be a positive integer of minor units; kind must "
            "be call, sms or other; reference must be 1 to 190 characters; unknown fields.",
        ),
        (
            b'{"account_id": "acct_nobody", "amount": 1, "kind": "sms", "reference": "r"}',
            404,
            "not_found",
            "No such account.",
        ),
    ],
)
def test_bad_records_get_the_problem_documents_of_the_api(
    engine_server: LiveServer,
    key_headers: dict[str, str],
    body: bytes,
    status: int,
    code: str,
    detail: str,
) -> None:
    request_id = f"bad-{secrets.token_hex(4)}"
    answer = _post(engine_server, body, {**key_headers, "X-Request-ID": request_id})
    assert answer.status_code == status
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json() == _problem(status, code, detail, request_id)
    assert _logged(engine_server, request_id)["status"] == status


def test_too_little_credit_is_402_with_the_problem_document(
    engine_server: LiveServer, key_headers: dict[str, str]
) -> None:
    owner = engine_server.make_owner(balance=100)
    answer = _post(engine_server, usage(owner.account_id, 101), key_headers)
    assert answer.status_code == 402
    assert answer.json() == _problem(
        402,
        "insufficient_credits",
        "Not enough credits: this would take the balance below what the account may owe.",
        answer.headers["x-request-id"],
    )


def test_callers_without_a_usable_key_are_refused_alike(
    engine_server: LiveServer, key_headers: dict[str, str]
) -> None:
    owner = engine_server.make_owner(balance=1000)
    body = usage(owner.account_id, 10)
    ssh_key = engine_server.run(_ssh_key)
    cases = [
        ({}, 401, "unauthenticated", "Sign in to continue."),
        ({"Authorization": "Basic abc"}, 401, "unauthenticated", "Sign in to continue."),
        (
            {"Authorization": "Bearer not-a-key"},
            401,
            "unauthenticated",
            "Send an API key made with `credits-server create-api-key`.",
        ),
        (
            {"Authorization": "Bearer ck_" + "x" * 43},
            401,
            "unauthenticated",
            "This API key is not known.",
        ),
        (
            {"Authorization": f"Bearer {ssh_key}"},
            403,
            "forbidden",
            "This API key may not do this (its scope is 'ssh').",
        ),
    ]
    for headers, status, code, detail in cases:
        answer = _post(engine_server, body, headers)
        assert answer.status_code == status, headers
        assert answer.json() == _problem(status, code, detail, answer.headers["x-request-id"])
        if status == 401:
            assert answer.headers["www-authenticate"] == 'Bearer realm="credits"'
        else:
            assert "www-authenticate" not in answer.headers
    assert engine_server.balance(owner.account_id) == 1000


async def _ssh_key(ctx: Any) -> str:
    from credits_server.services.api_keys import create_api_key

    return (await create_api_key(ctx, "gateway", scope="ssh")).key


def test_card_data_is_refused_before_the_key_is_even_checked(engine_server: LiveServer) -> None:
    refused = [
        _post(engine_server, {"number": "x"}, {}),
        _post(engine_server, b'{"reference": "12 4242424242424242"}', {}),
        _post(engine_server, {"account_id": "a"}, {}, params={"cvc": "123", "card[cvc]": "1"}),
    ]
    for answer in refused:
        assert answer.status_code == 422
        assert answer.json()["code"] == "card_data_refused"
        assert answer.headers["content-type"] == PROBLEM
        assert answer.json() == _problem(
            422,
            "card_data_refused",
            "Card numbers and security codes are not accepted here: the app sends the card to "
            "the payment gateway and gives the server only the gateway's token.",
            answer.headers["x-request-id"],
        )


def test_a_body_too_large_is_413_however_it_is_sent(
    engine_server: LiveServer, key_headers: dict[str, str]
) -> None:
    too_large = 1024 * 1024 + 1
    declared = _post(engine_server, b" " * too_large, key_headers)
    assert declared.status_code == 413
    assert declared.json() == _problem(
        413,
        "payload_too_large",
        "The request body is too large.",
        declared.headers["x-request-id"],
    )
    head = (
        b"POST /v1/usage HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Transfer-Encoding: chunked\r\nX-Request-ID: chunked-1\r\n\r\n"
    )
    status, headers, body = _raw(engine_server, head, [b" " * 65536] * 17)
    assert status == 413
    assert headers["content-type"] == PROBLEM
    assert headers["x-request-id"] == "chunked-1"
    assert body == _problem(413, "payload_too_large", "The request body is too large.", "chunked-1")
    assert _logged(engine_server, "chunked-1")["status"] == 413


def test_a_content_length_that_is_no_number_is_400(engine_server: LiveServer) -> None:
    # uvicorn's HTTP parser refuses it before the app sees it (the app would answer 400
    # `bad_request` too, as credits_server.api.body_limit does for every path).
    port = int(engine_server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(
            b"POST /v1/usage HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Content-Length: 12x\r\n\r\n"
        )
        assert connection.recv(65536).startswith(b"HTTP/1.1 400 ")


def test_other_methods_on_the_path_are_answered_by_the_api(
    engine_server: LiveServer, api_key: str
) -> None:
    answer = httpx.get(f"{engine_server.url}/v1/usage", timeout=30)
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
    assert answer.json()["code"] == "method_not_allowed"


def test_a_second_key_works_at_once(engine_server: LiveServer) -> None:
    owner = engine_server.make_owner(balance=50)
    key = make_api_key(engine_server)
    assert post_usage(engine_server, key, usage(owner.account_id, 50)).status_code == 201

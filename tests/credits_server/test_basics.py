"""Sessions, account, ledger pages and options against the running server."""

from __future__ import annotations

import time

import httpx
import pytest

from credits_client.api.models import Account, Page, ServerInfo, Session, TopupOptions, Transaction
from tests.support.live_server import LiveServer, Owner


async def test_server_info_has_no_demo_credentials_outside_demo_mode(
    live_server: LiveServer,
) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.get("/v1/server-info")
    info = ServerInfo.model_validate(response.json())
    assert info.demo is None
    assert response.headers["x-request-id"]


async def test_sign_in_then_see_the_account_then_sign_out(
    live_server: LiveServer, owner: Owner
) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.post(
            "/v1/sessions", json={"email": owner.email.upper(), "password": owner.password}
        )
        assert response.status_code == 201
        session = Session.model_validate(response.json())
        assert session.user.account_id == owner.account_id
        auth = {"Authorization": f"Bearer {session.token.get_secret_value()}"}
        account = Account.model_validate((await client.get("/v1/account", headers=auth)).json())
        assert (account.balance, account.currency, account.low_balance) == (5000, "USD", False)
        assert (await client.delete("/v1/sessions/current", headers=auth)).status_code == 204
        after = await client.get("/v1/account", headers=auth)
    assert after.status_code == 401
    assert after.json()["code"] == "unauthenticated"


async def test_wrong_password_and_unknown_email_answer_alike(
    live_server: LiveServer, owner: Owner
) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        wrong = await client.post(
            "/v1/sessions", json={"email": owner.email, "password": "not-the-password"}
        )
        unknown = await client.post(
            "/v1/sessions", json={"email": "nobody@example.test", "password": "whatever"}
        )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["code"] == unknown.json()["code"] == "invalid_credentials"
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_unknown_email_costs_the_same_time_as_a_wrong_password(
    live_server: LiveServer, owner: Owner
) -> None:
    async def timed(client: httpx.AsyncClient, email: str) -> float:
        started = time.perf_counter()
        answer = await client.post("/v1/sessions", json={"email": email, "password": "nope-nope"})
        assert answer.status_code == 401
        return time.perf_counter() - started

    async with httpx.AsyncClient(base_url=live_server.url) as client:
        known = sorted([await timed(client, owner.email) for _ in range(3)])
        unknown = sorted([await timed(client, f"ghost{n}@example.test") for n in range(3)])
    # Both verify one argon2 hash; medians close even on a busy machine.
    assert 0.4 < unknown[1] / known[1] < 2.5


async def test_sixth_attempt_in_the_window_is_throttled(
    live_server: LiveServer, owner: Owner
) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        for _ in range(5):
            answer = await client.post(
                "/v1/sessions", json={"email": owner.email, "password": "wrong-guess"}
            )
            assert answer.status_code == 401
        throttled = await client.post(
            "/v1/sessions", json={"email": owner.email, "password": owner.password}
        )
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "too_many_attempts"
    assert 1 <= int(throttled.headers["retry-after"]) <= 15 * 60


async def test_transactions_page_newest_first_with_a_cursor(live_server: LiveServer) -> None:
    owner = live_server.make_owner(balance=1000, with_card=False)

    async def debit(ctx: object) -> None:
        from credits_server.context import Context
        from credits_server.ledger import post

        assert isinstance(ctx, Context)
        async with ctx.db.write() as session:
            for n in range(1, 6):
                await post(
                    session, owner.account_id, kind="usage", amount=-n, description=f"Call {n}"
                )

    live_server.run(debit)
    seen: list[Transaction] = []
    cursor: str | None = None
    async with httpx.AsyncClient(base_url=live_server.url, headers=owner.headers) as client:
        while True:
            params: dict[str, str | int] = {"limit": 2}
            if cursor:
                params["cursor"] = cursor
            response = await client.get("/v1/account/transactions", params=params)
            page = Page[Transaction].model_validate(response.json())
            seen.extend(page.data)
            cursor = page.next_cursor
            if cursor is None:
                break
        usage = await client.get("/v1/account/transactions", params={"kind": "usage"})
    assert [t.description for t in seen] == [
        "Call 5",
        "Call 4",
        "Call 3",
        "Call 2",
        "Call 1",
        "Opening balance",
    ]
    assert [t.balance_after for t in seen] == [985, 990, 994, 997, 999, 1000]
    assert len(usage.json()["data"]) == 5


async def test_topup_options_are_the_defaults(live_server: LiveServer, owner: Owner) -> None:
    async with httpx.AsyncClient(base_url=live_server.url, headers=owner.headers) as client:
        options = TopupOptions.model_validate((await client.get("/v1/topup-options")).json())
    assert options.presets == [1000, 2500, 5000, 10000, 25000, 50000]
    assert (options.min, options.max, options.currency) == (1000, 100000, "USD")


@pytest.mark.parametrize("path", ["/v1/account", "/v1/account/transactions", "/v1/topup-options"])
async def test_reading_needs_a_session(live_server: LiveServer, path: str) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.get(path, headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"

"""The operators' commands, `credits-server`'s own `main` (tests/support/operator_cli.py) against a
live server's database, with their --json output read back and what the user, the ledger and the
audit trail then show."""

from __future__ import annotations

import getpass
import json
import os
from typing import Any

import httpx

from tests.support.audit import audit_rows
from tests.support.live_server import LiveServer
from tests.support.operator_cli import run_credits_server


def operator(server: LiveServer, *args: str, ok: bool = True) -> Any:
    env = {
        **os.environ,
        "CREDITS_SERVER_DATABASE_URL": server.database_url,
        "CREDITS_SERVER_CONFIG": str(server.workdir / "no-config.toml"),
    }
    done = run_credits_server([*args, *(["--json"] if ok else [])], env)
    if not ok:
        return done
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def sign_in(server: LiveServer, email: str, password: str) -> httpx.Response:
    return httpx.post(f"{server.url}/v1/sessions", json={"email": email, "password": password})


def test_a_disabled_user_is_refused_and_enabled_again(live_server: LiveServer) -> None:
    owner = live_server.make_owner(with_card=False)
    account = httpx.get(f"{live_server.url}/v1/account", headers=owner.headers)
    assert account.status_code == 200

    shown = operator(live_server, "disable-user", "--email", owner.email)
    assert shown["disabled"] is True
    assert shown["email"] == owner.email
    refused = httpx.get(f"{live_server.url}/v1/account", headers=owner.headers)
    assert refused.status_code == 401
    assert sign_in(live_server, owner.email, owner.password).json()["code"] == "user_disabled"
    users = operator(live_server, "list-users", "--account", owner.account_id)
    assert [(u["email"], u["disabled"]) for u in users] == [(owner.email, True)]

    assert operator(live_server, "enable-user", "--email", owner.email)["disabled"] is False
    assert sign_in(live_server, owner.email, owner.password).status_code == 201

    changes = [
        row for row in audit_rows(live_server, owner.account_id) if row.action == "user.updated"
    ]
    assert [row.actor_kind for row in changes] == ["operator", "operator"]
    assert {row.actor_label for row in changes} == {getpass.getuser()}
    assert changes[0].after is not None
    assert changes[0].after["disabled_at"]


def test_a_reset_code_sets_a_new_password_once(live_server: LiveServer) -> None:
    owner = live_server.make_owner(with_card=False)
    made = operator(live_server, "reset-password", "--email", owner.email)
    assert made["email"] == owner.email
    assert len(made["code"]) == 14
    assert live_server.find_secrets([made["code"]]) == []  # kept hashed
    redeem = f"{live_server.url}/v1/password-resets/redeem"
    body = {"code": made["code"].lower(), "email": owner.email, "password": "a new password"}
    assert httpx.post(redeem, json={**body, "email": "someone@example.test"}).status_code == 422
    assert httpx.post(redeem, json=body).status_code == 204
    assert httpx.post(redeem, json=body).json()["code"] == "reset_code_invalid"
    assert sign_in(live_server, owner.email, owner.password).status_code == 401
    assert sign_in(live_server, owner.email, "a new password").status_code == 201
    old_session = httpx.get(f"{live_server.url}/v1/account", headers=owner.headers)
    assert old_session.status_code == 401


def test_adjustment_and_refund_go_through_the_ledger(live_server: LiveServer) -> None:
    owner = live_server.make_owner(balance=1000, with_card=False)
    accounts = operator(live_server, "list-accounts")
    assert {"id": owner.account_id, "balance": 1000, "users": 1}.items() <= next(
        a for a in accounts if a["id"] == owner.account_id
    ).items()
    adjusted = operator(
        live_server, "adjust", "--account", owner.account_id, "--amount", "-250",
        "--reason", "Calls billed twice in March",
    )  # fmt: skip
    assert (adjusted["kind"], adjusted["amount"], adjusted["balance_after"]) == (
        "adjustment", -250, 750,
    )  # fmt: skip
    refunded = operator(
        live_server, "refund", "--account", owner.account_id, "--amount", "500",
        "--reason", "Goodwill",
    )  # fmt: skip
    assert refunded["balance_after"] == 1250
    assert live_server.balance(owner.account_id) == 1250
    rows = live_server.ledger(owner.account_id)[-2:]
    assert [(r.kind, r.amount, r.description) for r in rows] == [
        ("adjustment", -250, "Calls billed twice in March"),
        ("refund", 500, "Goodwill"),
    ]
    assert balance_events(live_server, owner.account_id)[-2:] == [750, 1250]

    trail = operator(live_server, "audit", "--account", owner.account_id, "--kind", "ledger")
    assert [(row["actor_kind"], row["after"]["amount"]) for row in trail[:2]] == [
        ("operator", 500),
        ("operator", -250),
    ]
    wrong = operator(
        live_server, "refund", "--account", owner.account_id[:-1], "--amount", "5",
        "--reason", "x", ok=False,
    )  # fmt: skip
    assert wrong.returncode == 2
    assert wrong.stderr == (
        f"credits-server: no account {owner.account_id[:-1]!r} "
        f"(did you mean {owner.account_id!r}?)\n"
    )


def balance_events(server: LiveServer, account_id: str) -> list[int]:
    async def action(ctx: Any) -> list[int]:
        from sqlalchemy import select

        from credits_server.models import Event

        async with ctx.db.read() as session:
            rows = await session.execute(
                select(Event.data)
                .where(Event.account_id == account_id, Event.type == "balance.updated")
                .order_by(Event.seq)
            )
            return [json.loads(data)["balance"] for data in rows.scalars()]

    return server.run(action)


def test_support_requests_are_answered_and_closed(live_server: LiveServer) -> None:
    owner = live_server.make_owner(with_card=False)
    filed = httpx.post(
        f"{live_server.url}/v1/support-requests",
        headers=owner.headers,
        json={"amount": 500000, "message": "A big top-up", "contact": owner.email},
    ).json()
    listed = operator(live_server, "list-support", "--status", "open")
    assert filed["reference"] in [item["reference"] for item in listed]
    answered = operator(
        live_server, "answer-support", filed["reference"], "--message", "Wire it to us."
    )
    assert (answered["answer"], answered["status"]) == ("Wire it to us.", "open")
    seen = httpx.get(f"{live_server.url}/v1/support-requests", headers=owner.headers).json()
    assert seen["data"][0]["answer"] == "Wire it to us."
    assert operator(live_server, "close-support", filed["reference"])["status"] == "closed"
    trail = [r for r in audit_rows(live_server, owner.account_id) if r.action.startswith("support")]
    assert [(r.action, r.actor_kind) for r in trail] == [
        ("support_request.created", "user"),
        ("support_request.updated", "operator"),
        ("support_request.updated", "operator"),
    ]


def test_api_keys_are_listed_and_revoked(live_server: LiveServer) -> None:
    async def make_key(ctx: Any) -> Any:
        from credits_server.services.api_keys import create_api_key

        return await create_api_key(ctx, "telephony")

    key = {"id": live_server.run(make_key).id}
    listed = operator(live_server, "list-api-keys")
    assert {"id": key["id"], "revoked_at": None}.items() <= next(
        k for k in listed if k["id"] == key["id"]
    ).items()
    revoked = operator(live_server, "revoke-api-key", key["id"])
    assert revoked["revoked_at"] is not None
    unknown = operator(live_server, "disable-user", "--email", "nobody@example.test", ok=False)
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("credits-server: no user 'nobody@example.test'")
    trail = [r for r in audit_rows(live_server, None) if r.action == "api_key.updated"]
    assert trail[-1].actor_kind == "operator"
    assert trail[-1].after == {"revoked_at": revoked["revoked_at"].replace("Z", "+00:00")}

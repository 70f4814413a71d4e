"""Every operation of the served OpenAPI document against every wrong caller: 401, 403 or 404,
never data. The table below must name every operation, so a new endpoint cannot be forgotten."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.hardening.conftest import assert_problem
from tests.support.live_server import LiveServer, Owner

# A card as the app sends it: the gateway's token (card data itself is refused before any auth).
CARD = {"card_token": "pm_sandbox_not_there"}
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"


@dataclass(frozen=True)
class Rule:
    auth: str
    """"user" (a session), "service" (an API key), "gateway" (an API key of scope ssh) or
    "public"."""
    owner_only: bool = False
    """A viewer is refused with 403 (tests/credits_server/test_authorization.py tries every
    role)."""
    stream: bool = False
    """An event stream: only callers that must be refused are tried (the others never end)."""


RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/v1/server-info"): Rule("public"),
    ("GET", "/v1/live"): Rule("public"),
    ("GET", "/v1/ready"): Rule("public"),
    ("GET", "/v1/payment-config"): Rule("public"),
    ("POST", "/v1/sessions"): Rule("public"),
    ("DELETE", "/v1/sessions/current"): Rule("user"),
    ("GET", "/v1/account"): Rule("user"),
    ("GET", "/v1/account/transactions"): Rule("user"),
    ("GET", "/v1/account/transactions.csv"): Rule("user"),
    ("GET", "/v1/receipts/{receipt_id}"): Rule("user"),
    ("GET", "/v1/receipts/{receipt_id}/pdf"): Rule("user"),
    ("GET", "/v1/account/daily-balances"): Rule("user"),
    ("GET", "/v1/account/activity"): Rule("user", owner_only=True),
    ("POST", "/v1/password-resets/redeem"): Rule("public"),
    ("GET", "/v1/topup-options"): Rule("user"),
    ("GET", "/v1/payment-methods"): Rule("user"),
    ("POST", "/v1/payment-methods"): Rule("user", owner_only=True),
    ("DELETE", "/v1/payment-methods/{method_id}"): Rule("user", owner_only=True),
    ("POST", "/v1/payment-methods/{method_id}/default"): Rule("user", owner_only=True),
    ("POST", "/v1/topups"): Rule("user", owner_only=True),
    ("GET", "/v1/topups"): Rule("user"),
    ("GET", "/v1/topups/{topup_id}"): Rule("user"),
    ("POST", "/v1/payment-links"): Rule("user", owner_only=True),
    ("GET", "/v1/payment-links/{link_id}"): Rule("user"),
    ("GET", "/v1/auto-recharge"): Rule("user"),
    ("PUT", "/v1/auto-recharge"): Rule("user", owner_only=True),
    ("GET", "/v1/support-requests"): Rule("user"),
    ("POST", "/v1/support-requests"): Rule("user"),
    ("POST", "/v1/usage"): Rule("service"),
    ("GET", "/v1/events"): Rule("user", stream=True),
    # Signed by the gateway, not by a caller: a delivery it did not sign is refused with 400.
    ("POST", "/v1/webhooks/stripe"): Rule("public"),
    ("GET", "/v1/ssh-keys"): Rule("user"),
    ("POST", "/v1/ssh-keys"): Rule("user"),
    ("DELETE", "/v1/ssh-keys/{key_id}"): Rule("user"),
    ("GET", "/v1/notification-targets"): Rule("user", owner_only=True),
    ("POST", "/v1/notification-targets"): Rule("user", owner_only=True),
    ("PUT", "/v1/notification-targets/{target_id}"): Rule("user", owner_only=True),
    ("DELETE", "/v1/notification-targets/{target_id}"): Rule("user", owner_only=True),
    ("POST", "/v1/notification-targets/{target_id}/test"): Rule("user", owner_only=True),
    ("GET", "/v1/notification-dead-letters"): Rule("user", owner_only=True),
    ("POST", "/v1/ssh-gateway/known-keys"): Rule("gateway"),
    ("POST", "/v1/ssh-gateway/sessions"): Rule("gateway"),
    ("GET", "/v1/me"): Rule("user"),
    ("GET", "/v1/sessions"): Rule("user"),
    ("DELETE", "/v1/sessions/{session_id}"): Rule("user"),
    ("GET", "/v1/team"): Rule("user", owner_only=True),
    ("POST", "/v1/team/invitations"): Rule("user", owner_only=True),
    ("DELETE", "/v1/team/invitations/{invitation_id}"): Rule("user", owner_only=True),
    ("PUT", "/v1/team/members/{user_id}/role"): Rule("user", owner_only=True),
    ("DELETE", "/v1/team/members/{user_id}"): Rule("user", owner_only=True),
    ("POST", "/v1/invitations/accept"): Rule("public"),
    ("GET", "/invitation"): Rule("public"),
    # The sandbox's stand-in for the bank's 3-D Secure page (mounted only with the sandbox
    # gateway): whoever holds the unguessable top-up id, like a bank's own link, may answer it.
    ("GET", "/sandbox/authenticate/{topup_id}"): Rule("public"),
    ("POST", "/sandbox/authenticate/{topup_id}"): Rule("public"),
}
OPERATIONS = sorted(RULES)


@dataclass
class World:
    """A victim account with data of every kind, and every kind of wrong caller."""

    victim: Owner
    topup_id: str
    target_id: str
    credentials: dict[str, str]
    """caller name -> Authorization header value ("" for none)."""
    secrets: list[str]
    """Strings of the victim's that no wrong caller may ever see."""
    link_id: str = ""
    receipt_id: str = ""


async def _expire(ctx: Any, token: str) -> None:
    from sqlalchemy import update

    from credits_server.models import SessionToken, utcnow
    from credits_server.security import hash_token

    async with ctx.db.write() as session:
        await session.execute(
            update(SessionToken)
            .where(SessionToken.token_hash == hash_token(token))
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )


async def _api_key(ctx: Any) -> str:
    from credits_server.services.api_keys import create_api_key

    return str((await create_api_key(ctx, "matrix")).key)


@pytest.fixture(scope="module")
def world(live_server: LiveServer) -> World:
    victim = live_server.make_owner(balance=5000, name=f"Victim {uuid.uuid4().hex[:8]}")
    made = httpx.post(
        f"{live_server.url}/v1/topups",
        json={"amount": 1000, "payment_method_id": victim.payment_method_id},
        headers={**victim.headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert made.status_code == 201
    target = httpx.post(
        f"{live_server.url}/v1/notification-targets",
        json={"channel": "email", "address": "finance@example.test", "events": ["low_balance"]},
        headers=victim.headers,
    )
    assert target.status_code == 201
    expired = live_server.make_owner(with_card=False)
    live_server.run(lambda ctx: _expire(ctx, expired.token))
    other = live_server.make_owner(balance=100)
    member = live_server.add_user(victim.account_id, role="viewer")
    credentials = {
        "no token": "",
        "garbage token": "Bearer not-a-token",
        "expired token": f"Bearer {expired.token}",
        "another account's owner": f"Bearer {other.token}",
        "a viewer of the account": f"Bearer {member.token}",
        "a service API key": f"Bearer {live_server.run(_api_key)}",
        "the owner's session": f"Bearer {victim.token}",
    }
    link = httpx.post(
        f"{live_server.url}/v1/payment-links",
        json={"amount": 1000},
        headers={**victim.headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert link.status_code == 201
    secrets = [victim.account_id, str(victim.payment_method_id), made.json()["id"], victim.email]
    secrets.append(link.json()["id"])
    history = httpx.get(f"{live_server.url}/v1/account/transactions", headers=victim.headers)
    [receipt_id] = [row["receipt_id"] for row in history.json()["data"] if row.get("receipt_id")]
    return World(
        victim,
        made.json()["id"],
        target.json()["id"],
        credentials,
        secrets,
        link.json()["id"],
        receipt_id,
    )


def _request(world: World, method: str, path: str) -> dict[str, Any]:
    """A request that would succeed for the right caller, so only authorisation can stop it."""
    victim = world.victim
    url = path.format(
        method_id=victim.payment_method_id,
        topup_id=world.topup_id,
        key_id="sshk_none",
        link_id=world.link_id,
        target_id=world.target_id,
        receipt_id=world.receipt_id,
        session_id="sess_none",
        invitation_id="inv_none",
        user_id=victim.user_id,
    )
    if path == "/v1/account/daily-balances":
        url += "?start=2026-11-01&end=2026-11-30"
    headers = {"Idempotency-Key": uuid.uuid4().hex, "If-Match": "*"}
    bodies: dict[str, dict[str, Any]] = {
        "/v1/sessions": {"email": victim.email, "password": "wrong"},
        "/v1/payment-methods": CARD,
        "/v1/topups": {"amount": 1000, "payment_method_id": victim.payment_method_id},
        "/v1/payment-links": {"amount": 1000},
        "/v1/auto-recharge": {"enabled": False, "threshold": 1000, "amount": 2500},
        "/v1/support-requests": {"amount": 250000, "message": "m", "contact": "a@b.test"},
        "/v1/ssh-keys": {"public_key": SSH_KEY},
        "/v1/notification-targets": {"channel": "email", "address": "a@b.test", "events": []},
        "/v1/notification-targets/{target_id}": {"events": [], "enabled": True},
        "/v1/team/invitations": {"email": "someone@example.test", "role": "viewer"},
        "/v1/team/members/{user_id}/role": {"role": "viewer"},
        "/v1/invitations/accept": {"code": "NOPE", "email": victim.email, "password": "x" * 8},
        "/v1/ssh-gateway/known-keys": {"public_key": SSH_KEY},
        "/v1/ssh-gateway/sessions": {"public_key": SSH_KEY},
        "/v1/usage": {
            "account_id": "acct_not_there",  # the service key may debit: not the victim here
            "amount": 100,
            "kind": "call",
            "reference": uuid.uuid4().hex,
        },
    }
    body = bodies.get(path)
    request: dict[str, Any] = {"method": method, "url": url, "headers": headers}
    if method in ("POST", "PUT") and body is not None:
        request["json"] = body
    return request


def test_every_served_operation_has_a_rule(live_server: LiveServer) -> None:
    document = httpx.get(f"{live_server.url}/openapi.json").json()
    served = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    assert served == set(RULES), "add the new operation to RULES with who may call it"


def _expected(rule: Rule, caller: str, path: str) -> set[int] | None:
    """The statuses a wrong caller must get; None when this caller is allowed."""
    # No caller here holds the gateway's key (tests/credits_server/test_ssh_keys.py covers it).
    if rule.auth == "gateway":
        return {403} if caller == "a service API key" else {401}
    if rule.auth == "public" or caller == "the owner's session":
        return None
    if rule.auth == "service":
        return None if caller == "a service API key" else {401}
    if caller in ("no token", "garbage token", "expired token", "a service API key"):
        return {401}
    if caller == "a viewer of the account":
        return {403} if rule.owner_only else None
    # Another account: the victim's ids do not exist for it; its own data is not the victim's.
    return {404} if "{" in path or (path == "/v1/topups" and rule.owner_only) else None


CALLERS = [
    "no token",
    "garbage token",
    "expired token",
    "another account's owner",
    "a viewer of the account",
    "a service API key",
]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_a_wrong_caller_gets_no_data(
    live_server: LiveServer, world: World, caller: str, method: str, path: str
) -> None:
    rule = RULES[(method, path)]
    expected = _expected(rule, caller, path)
    if rule.stream and expected is None:
        return  # the caller's own account's stream: tests/credits_server/test_events.py
    if expected is None and path == "/v1/sessions/current":
        return  # signing itself out is allowed, and would end this caller for the later cells
    request = _request(world, method, path)
    if world.credentials[caller]:
        request["headers"]["Authorization"] = world.credentials[caller]
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        response = client.request(**request)
    if expected is not None:
        assert_problem(response, *expected)
    elif caller != "a viewer of the account" and rule.auth != "public":
        # Allowed to call, but only ever about its own account.
        leaked = [s for s in world.secrets if s in response.text]
        assert not leaked, (response.status_code, leaked)
    assert response.status_code < 500
    # Whatever the answer, the victim's money and cards are untouched.
    assert live_server.balance(world.victim.account_id) == 6000
    assert live_server.charge_count(world.victim.account_id) == 1


def test_a_user_session_cannot_post_usage(live_server: LiveServer, world: World) -> None:
    response = httpx.post(
        f"{live_server.url}/v1/usage",
        json={
            **_request(world, "POST", "/v1/usage")["json"],
            "account_id": world.victim.account_id,
        },
        headers={"Authorization": world.credentials["the owner's session"]},
    )
    assert_problem(response, 401)
    assert live_server.balance(world.victim.account_id) == 6000

"""Every operation of the app x every role x the caller's own account or another's: the role table
(credits_core.roles) decides 403 or not, another account's ids do not exist (404), and no answer
ever holds anything of the other account.

The operations are the app's routes themselves: a new route with neither a permission nor a line
in NOT_BY_ROLE, or without an example request below, fails the first test.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from credits_core.roles import ROLES, Permission, may, refusal
from credits_server.api.app import ROUTERS, create_app
from credits_server.api.deps import Allowed
from credits_server.settings import Settings
from tests.support.live_server import LiveServer, Owner

Route = tuple[str, str]

# Routes no session role authorises, and what does instead.
NOT_BY_ROLE: dict[Route, str] = {
    ("GET", "/v1/server-info"): "public",
    ("GET", "/v1/live"): "public",
    ("GET", "/v1/ready"): "public",
    ("GET", "/v1/payment-config"): "public",
    ("POST", "/v1/sessions"): "an email and password",
    ("DELETE", "/v1/sessions/current"): "the token it ends",
    ("POST", "/v1/invitations/accept"): "an invitation code",
    ("POST", "/v1/password-resets/redeem"): "an operator's one-time reset code",
    ("GET", "/invitation"): "public (a static page; the code stays in the link's fragment)",
    ("POST", "/v1/usage"): "an API key",
    ("POST", "/v1/webhooks/stripe"): "the gateway's signature",
    ("POST", "/v1/ssh-gateway/known-keys"): "an API key of scope ssh",
    ("POST", "/v1/ssh-gateway/sessions"): "an API key of scope ssh",
    ("GET", "/sandbox/authenticate/{topup_id}"): "the unguessable top-up id (sandbox only)",
    ("POST", "/sandbox/authenticate/{topup_id}"): "the unguessable top-up id (sandbox only)",
}
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"


def _permission(dependant: Dependant) -> Permission | None:
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, Allowed):
            return dependency.call.permission
        found = _permission(dependency)
        if found is not None:
            return found
    return None


def app_routes() -> dict[Route, Permission | None]:
    """Every operation the app serves (its OpenAPI document), with the permission its route
    requires (None: no role decides)."""
    document = create_app(Settings(log_requests=False)).openapi()
    served = {(m.upper(), path) for path, ops in document["paths"].items() for m in ops}
    required = {
        (method, route.path): _permission(route.dependant)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    return {route: required.get(route) for route in served}


@dataclass(frozen=True)
class Ids:
    """One account's things, named in paths and bodies."""

    card: str
    topup: str
    member: str
    invitation: str
    session: str
    ssh_key: str
    link: str = ""
    target: str = ""
    receipt: str = ""


Example = Callable[[Ids], dict[str, Any]]


def _new_email(_: Ids) -> dict[str, Any]:
    return {"json": {"email": f"new-{uuid.uuid4().hex[:8]}@example.test", "role": "viewer"}}


def _topup(ids: Ids) -> dict[str, Any]:
    return {
        "json": {"amount": 1000, "payment_method_id": ids.card},
        "headers": {"Idempotency-Key": uuid.uuid4().hex},
    }


# A request per operation that the right caller could make. Ids come from the account tried;
# the caller's own account lends ids that do not exist where a success would destroy something.
EXAMPLES: dict[Route, Example] = {
    ("GET", "/v1/account"): lambda ids: {},
    ("GET", "/v1/account/transactions"): lambda ids: {},
    ("GET", "/v1/account/daily-balances"): lambda ids: {
        "params": {"start": "2026-11-01", "end": "2026-11-30"}
    },
    ("GET", "/v1/topup-options"): lambda ids: {},
    ("GET", "/v1/payment-methods"): lambda ids: {},
    ("POST", "/v1/payment-methods"): lambda ids: {"json": {"card_token": "pm_sandbox_none"}},
    ("DELETE", "/v1/payment-methods/{method_id}"): lambda ids: {"path": {"method_id": ids.card}},
    ("POST", "/v1/payment-methods/{method_id}/default"): lambda ids: {
        "path": {"method_id": ids.card}
    },
    ("POST", "/v1/topups"): _topup,
    ("GET", "/v1/topups"): lambda ids: {},
    ("GET", "/v1/topups/{topup_id}"): lambda ids: {"path": {"topup_id": ids.topup}},
    ("GET", "/v1/auto-recharge"): lambda ids: {},
    ("PUT", "/v1/auto-recharge"): lambda ids: {
        "json": {
            "enabled": False,
            "threshold": 1000,
            "amount": 2500,
            "payment_method_id": ids.card,
        },
        "headers": {"If-Match": "*"},
    },
    ("GET", "/v1/support-requests"): lambda ids: {},
    ("POST", "/v1/support-requests"): lambda ids: {
        "json": {"amount": 250000, "message": "m", "contact": "a@b.test"},
        "headers": {"Idempotency-Key": uuid.uuid4().hex},
    },
    ("GET", "/v1/events"): lambda ids: {},
    ("GET", "/v1/ssh-keys"): lambda ids: {},
    ("POST", "/v1/ssh-keys"): lambda ids: {"json": {"public_key": SSH_KEY}},
    ("DELETE", "/v1/ssh-keys/{key_id}"): lambda ids: {"path": {"key_id": ids.ssh_key}},
    ("GET", "/v1/me"): lambda ids: {},
    ("GET", "/v1/sessions"): lambda ids: {},
    ("DELETE", "/v1/sessions/{session_id}"): lambda ids: {"path": {"session_id": ids.session}},
    ("GET", "/v1/team"): lambda ids: {},
    ("POST", "/v1/team/invitations"): _new_email,
    ("DELETE", "/v1/team/invitations/{invitation_id}"): lambda ids: {
        "path": {"invitation_id": ids.invitation}
    },
    ("PUT", "/v1/team/members/{user_id}/role"): lambda ids: {
        "path": {"user_id": ids.member},
        "json": {"role": "viewer"},
    },
    ("DELETE", "/v1/team/members/{user_id}"): lambda ids: {"path": {"user_id": ids.member}},
    ("POST", "/v1/payment-links"): lambda ids: {
        "json": {"amount": 1000},
        "headers": {"Idempotency-Key": uuid.uuid4().hex},
    },
    ("GET", "/v1/payment-links/{link_id}"): lambda ids: {"path": {"link_id": ids.link}},
    ("GET", "/v1/notification-targets"): lambda ids: {},
    ("POST", "/v1/notification-targets"): lambda ids: {
        "json": {"channel": "email", "address": "a@b.test", "events": []}
    },
    ("PUT", "/v1/notification-targets/{target_id}"): lambda ids: {
        "path": {"target_id": ids.target},
        "json": {"events": [], "enabled": True},
    },
    ("DELETE", "/v1/notification-targets/{target_id}"): lambda ids: {
        "path": {"target_id": ids.target}
    },
    ("POST", "/v1/notification-targets/{target_id}/test"): lambda ids: {
        "path": {"target_id": ids.target}
    },
    ("GET", "/v1/notification-dead-letters"): lambda ids: {},
    ("GET", "/v1/account/transactions.csv"): lambda ids: {},
    ("GET", "/v1/account/activity"): lambda ids: {},
    ("GET", "/v1/receipts/{receipt_id}"): lambda ids: {"path": {"receipt_id": ids.receipt}},
    ("GET", "/v1/receipts/{receipt_id}/pdf"): lambda ids: {"path": {"receipt_id": ids.receipt}},
}
STREAMS = {("GET", "/v1/events")}  # an allowed caller's stream never ends: test_events.py


def test_every_route_has_a_rule_and_an_example() -> None:
    routes = app_routes()
    unruled = [r for r, permission in routes.items() if permission is None and r not in NOT_BY_ROLE]
    assert unruled == [], "give the route a permission (api/deps.py Allowed) or a NOT_BY_ROLE line"
    by_role = {r for r, permission in routes.items() if permission is not None}
    assert by_role == set(EXAMPLES), "add an example request for each route"
    assert set(routes) - by_role == set(NOT_BY_ROLE)


@dataclass
class World:
    team: dict[str, Owner]
    """role -> a user of that role on the caller's account."""
    own: Ids
    foreign: Ids
    foreign_owner: Owner
    secrets: list[str]
    """Everything of the other account no answer may hold."""


def _ids(live_server: LiveServer, owner: Owner, *, real: bool) -> tuple[Ids, list[str]]:
    base = live_server.url
    with httpx.Client(base_url=base, headers=owner.headers) as client:
        topup = client.post("/v1/topups", **_topup(_fake_ids(owner)))
        member = live_server.add_user(owner.account_id, role="viewer")
        invitation = client.post("/v1/team/invitations", **_new_email(_fake_ids(owner)))
        key = client.post("/v1/ssh-keys", json={"public_key": SSH_KEY}) if real else None
        session = client.get("/v1/sessions").json()["data"][0]["id"]
        link = client.post(
            "/v1/payment-links", **EXAMPLES[("POST", "/v1/payment-links")](_fake_ids(owner))
        )
        target = client.post(
            "/v1/notification-targets",
            json={"channel": "email", "address": "finance@example.test", "events": []},
        )
        history = client.get("/v1/account/transactions").json()["data"]
    [receipt] = [row["receipt_id"] for row in history if row.get("receipt_id")]
    assert link.status_code == 201
    assert target.status_code == 201
    assert topup.status_code == 201
    assert invitation.status_code == 201
    made = Ids(
        card=str(owner.payment_method_id),
        topup=topup.json()["id"],
        member=member.user_id,
        invitation=invitation.json()["id"],
        session=session,
        ssh_key=key.json()["id"] if key is not None else "sshk_none",
        link=link.json()["id"],
        target=target.json()["id"],
        receipt=receipt,
    )
    secrets = [owner.account_id, owner.user_id, owner.email, member.email, *vars(made).values()]
    if not real:  # ids whose success would end the test's own callers or cards: none such
        made = Ids(
            "pm_none",
            made.topup,
            made.member,
            "inv_none",
            "sess_none",
            "sshk_none",
            made.link,
            "nt_none",
            made.receipt,
        )
    return made, secrets


def _fake_ids(owner: Owner) -> Ids:
    return Ids(str(owner.payment_method_id), "", "", "", "", "")


@pytest.fixture(scope="module")
def world(live_server: LiveServer) -> World:
    owner = live_server.make_owner(balance=5000)
    team = {"owner": owner} | {
        role: live_server.add_user(owner.account_id, role=role) for role in ROLES if role != "owner"
    }
    own, _ = _ids(live_server, owner, real=False)
    theirs = live_server.make_owner(balance=5000)
    foreign, secrets = _ids(live_server, theirs, real=True)
    return World(team, own, foreign, theirs, secrets)


def _send(client: httpx.Client, route: Route, ids: Ids) -> httpx.Response:
    method, path = route
    example = EXAMPLES[route](ids)
    url = path.format(**example.pop("path", {}))
    return client.request(method, url, **example)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_what_the_table_says_and_nothing_of_another_account(
    live_server: LiveServer, world: World, role: str
) -> None:
    routes = {r: p for r, p in app_routes().items() if p is not None and r not in STREAMS}
    caller = world.team[role]
    answers: dict[tuple[Route, str], int] = {}
    with httpx.Client(base_url=live_server.url, headers=caller.headers, timeout=30) as client:
        for route, permission in sorted(routes.items()):
            for which, ids in (("own", world.own), ("foreign", world.foreign)):
                response = _send(client, route, ids)
                answers[(route, which)] = response.status_code
                leaked = [s for s in world.secrets if s in response.text]
                assert not leaked, (route, which, leaked)
                assert response.status_code < 500, (route, which, response.text)
                if not may(role, permission):
                    assert response.status_code == 403, (route, which)
                    assert response.json()["detail"] == refusal(role, permission)
                elif which == "foreign" and "{" in route[1]:
                    assert response.status_code == 404, (route, response.text)
                else:
                    assert response.status_code not in (401, 403), (route, which, response.text)
    # The other account lost nothing: its money, cards, members, invitation and session.
    theirs = world.foreign_owner
    assert live_server.balance(theirs.account_id) == 6000
    with httpx.Client(base_url=live_server.url, headers=theirs.headers) as client:
        assert [m["id"] for m in client.get("/v1/payment-methods").json()["data"]] == [
            world.foreign.card
        ]
        team = client.get("/v1/team").json()
        assert world.foreign.member in [m["id"] for m in team["members"]]
        assert [i["id"] for i in team["invitations"]] == [world.foreign.invitation]
        assert [k["id"] for k in client.get("/v1/ssh-keys").json()["data"]] == [
            world.foreign.ssh_key
        ]
    # A body naming the other account's card is refused like a path naming it.
    assert answers.get((("POST", "/v1/topups"), "foreign")) in (403, 404)

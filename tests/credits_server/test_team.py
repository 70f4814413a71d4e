"""The team through the API: invite, accept once, change roles, keep an owner, remove; and each
user's own sessions."""

from __future__ import annotations

import httpx

from tests.support.live_server import LiveServer, Owner

PASSWORD = "a new password"


def _invite(client: httpx.Client, email: str, role: str) -> dict[str, str]:
    made = client.post("/v1/team/invitations", json={"email": email, "role": role})
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_an_invitation_is_used_once_by_its_email_and_keeps_an_owner(
    live_server: LiveServer, owner: Owner
) -> None:
    email = f"finance-{owner.user_id[-6:]}@example.test"
    with httpx.Client(base_url=live_server.url, headers=owner.headers) as boss:
        invitation = _invite(boss, email, "billing")
        assert invitation["link"].endswith(f"/invitation#{invitation['code']}")
        assert [i["email"] for i in boss.get("/v1/team").json()["invitations"]] == [email]
    # Only the hash is stored: the code is nowhere in the database.
    assert live_server.find_secrets([invitation["code"]]) == []
    with httpx.Client(base_url=live_server.url) as anyone:
        wrong_email = anyone.post(
            "/v1/invitations/accept",
            json={"code": invitation["code"], "email": "jürgen@example.test", "password": PASSWORD},
        )
        typed = invitation["code"].lower().replace("-", " ")  # as a person may type it
        joined = anyone.post(
            "/v1/invitations/accept", json={"code": typed, "email": email, "password": PASSWORD}
        )
        again = anyone.post(
            "/v1/invitations/accept",
            json={"code": invitation["code"], "email": email, "password": PASSWORD},
        )
    assert wrong_email.status_code == 404
    assert wrong_email.json()["code"] == "invalid_invitation"
    assert joined.status_code == 201, joined.text
    assert joined.json()["user"]["role"] == "billing"
    assert joined.json()["user"]["account_id"] == owner.account_id
    assert again.status_code == 404
    member_id = joined.json()["user"]["id"]
    member = {"Authorization": f"Bearer {joined.json()['token']}"}
    with httpx.Client(base_url=live_server.url, headers=owner.headers) as boss:
        team = boss.get("/v1/team").json()
        assert {m["email"]: m["role"] for m in team["members"]} == {
            owner.email: "owner",
            email: "billing",
        }
        assert team["invitations"] == []
        last = boss.put(f"/v1/team/members/{owner.user_id}/role", json={"role": "viewer"})
        assert last.status_code == 409
        assert last.json()["code"] == "last_owner"
        assert boss.delete(f"/v1/team/members/{owner.user_id}").status_code == 409
        promoted = boss.put(f"/v1/team/members/{member_id}/role", json={"role": "viewer"})
        assert promoted.json()["role"] == "viewer"
        with httpx.Client(base_url=live_server.url, headers=member) as them:
            assert them.get("/v1/me").json()["role"] == "viewer"
            refused = them.post("/v1/team/invitations", json={"email": "y@e.test", "role": "owner"})
            assert refused.status_code == 403
            assert (
                refused.json()["detail"]
                == "Your role (viewer) cannot manage the team: ask an owner."
            )
            assert boss.delete(f"/v1/team/members/{member_id}").status_code == 204
            assert them.get("/v1/me").status_code == 401  # removed: signed out everywhere
        assert [m["email"] for m in boss.get("/v1/team").json()["members"]] == [owner.email]


def test_a_user_sees_their_sessions_and_signs_one_out(
    live_server: LiveServer, owner: Owner
) -> None:
    with httpx.Client(base_url=live_server.url) as anyone:
        laptop = anyone.post(
            "/v1/sessions",
            json={"email": owner.email, "password": owner.password},
            headers={"User-Agent": "credits-tui/9.9 laptop"},
        ).json()["token"]
    with httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {laptop}"}
    ) as here:
        sessions = here.get("/v1/sessions").json()["data"]
        assert len(sessions) == 2
        current = next(s for s in sessions if s["current"])
        assert current["user_agent"] == "credits-tui/9.9 laptop"
        assert current["client_address"] == "127.0.0.1"
        assert "token" not in current
        other = next(s for s in sessions if not s["current"])
        assert here.delete(f"/v1/sessions/{other['id']}").status_code == 204
        assert [s["id"] for s in here.get("/v1/sessions").json()["data"]] == [current["id"]]
    assert httpx.get(f"{live_server.url}/v1/me", headers=owner.headers).status_code == 401

"""SSH keys: each user keeps their own; the SSH gateway's key (scope "ssh") finds a key's owner and
gets a session for them, and can do nothing else; a usage key cannot ask the gateway's questions."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.credits_server.test_cli import run
from tests.support.engine import post_usage, usage
from tests.support.live_server import LiveServer, Owner


def new_public_key(directory: Path, name: str = "key") -> str:
    path = directory / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@laptop", "-f", str(path)],
        check=True,
    )
    return (directory / f"{name}.pub").read_text()


def fingerprint_of(directory: Path, name: str = "key") -> str:
    listed = subprocess.run(
        ["ssh-keygen", "-l", "-E", "sha256", "-f", str(directory / f"{name}.pub")],
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout.split()[1]


def make_key(server: LiveServer, scope: str) -> str:
    async def action(ctx: Any) -> str:
        from credits_server.services.api_keys import create_api_key

        return (await create_api_key(ctx, "tests", scope)).key

    return server.run(action)


@pytest.fixture
def gateway_headers(live_server: LiveServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(live_server, 'ssh')}"}


async def test_a_user_adds_lists_and_removes_their_keys(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    public_key = new_public_key(tmp_path)
    added = await client.post("/v1/ssh-keys", json={"public_key": public_key})
    assert added.status_code == 201, added.text
    assert added.json()["fingerprint"] == fingerprint_of(tmp_path)
    assert added.json()["comment"] == "key@laptop"
    listed = (await client.get("/v1/ssh-keys")).json()["data"]
    assert [key["fingerprint"] for key in listed] == [fingerprint_of(tmp_path)]
    again = await client.post("/v1/ssh-keys", json={"public_key": public_key})
    assert again.status_code == 409
    removed = await client.delete(f"/v1/ssh-keys/{listed[0]['id']}")
    assert removed.status_code == 204
    assert (await client.get("/v1/ssh-keys")).json()["data"] == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "ssh-dss AAAAB3NzaC1kc3MAAACBAP",
        "ssh-ed25519 not-base64!",
        "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIKq",  # an ed25519 blob labelled RSA
    ],
)
async def test_what_is_not_a_public_key_is_refused(client: httpx.AsyncClient, text: str) -> None:
    answer = await client.post("/v1/ssh-keys", json={"public_key": text})
    assert answer.status_code == 422
    assert (await client.get("/v1/ssh-keys")).json()["data"] == []


async def test_nobody_removes_another_users_key(
    live_server: LiveServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    added = await client.post("/v1/ssh-keys", json={"public_key": new_public_key(tmp_path)})
    other: Owner = live_server.make_owner()
    async with httpx.AsyncClient(base_url=live_server.url, headers=other.headers) as stranger:
        assert (await stranger.get("/v1/ssh-keys")).json()["data"] == []
        answer = await stranger.delete(f"/v1/ssh-keys/{added.json()['id']}")
        assert answer.status_code == 404
    assert len((await client.get("/v1/ssh-keys")).json()["data"]) == 1


async def test_the_gateway_gets_a_session_for_a_registered_key_only(
    live_server: LiveServer,
    client: httpx.AsyncClient,
    owner: Owner,
    gateway_headers: dict[str, str],
    tmp_path: Path,
) -> None:
    registered = new_public_key(tmp_path, "mine")
    stranger_key = new_public_key(tmp_path, "theirs")
    await client.post("/v1/ssh-keys", json={"public_key": registered})
    async with httpx.AsyncClient(base_url=live_server.url, headers=gateway_headers) as gateway:
        known = await gateway.post("/v1/ssh-gateway/known-keys", json={"public_key": registered})
        unknown = await gateway.post(
            "/v1/ssh-gateway/known-keys", json={"public_key": stranger_key}
        )
        assert (known.json(), unknown.json()) == ({"known": True}, {"known": False})
        refused = await gateway.post("/v1/ssh-gateway/sessions", json={"public_key": stranger_key})
        assert refused.status_code == 404
        assert refused.json()["code"] == "unknown_ssh_key"
        # The comment is not part of the key: the same key with another comment is the same.
        same_key = " ".join(registered.split()[:2]) + " renamed"
        issued = await gateway.post("/v1/ssh-gateway/sessions", json={"public_key": same_key})
        assert issued.status_code == 201
        # The gateway's own key is no session: it cannot read an account.
        assert (await gateway.get("/v1/account")).status_code == 401
    token = issued.json()["token"]
    assert issued.json()["user"]["email"] == owner.email
    async with httpx.AsyncClient(
        base_url=live_server.url, headers={"Authorization": f"Bearer {token}"}
    ) as session:
        assert (await session.get("/v1/account")).json()["id"] == owner.account_id


async def test_keys_of_other_scopes_and_sessions_cannot_ask_the_gateways_questions(
    live_server: LiveServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    body = {"public_key": new_public_key(tmp_path)}
    await client.post("/v1/ssh-keys", json=body)
    usage_key = {"Authorization": f"Bearer {make_key(live_server, 'usage')}"}
    async with httpx.AsyncClient(base_url=live_server.url, headers=usage_key) as platform:
        assert (await platform.post("/v1/ssh-gateway/sessions", json=body)).status_code == 403
    assert (await client.post("/v1/ssh-gateway/sessions", json=body)).status_code == 401
    async with httpx.AsyncClient(base_url=live_server.url) as anonymous:
        assert (await anonymous.post("/v1/ssh-gateway/known-keys", json=body)).status_code == 401


def test_an_ssh_gateway_key_cannot_report_usage(live_server: LiveServer) -> None:
    owner = live_server.make_owner(balance=1_000)
    key = make_key(live_server, "ssh")
    answer = post_usage(live_server, key, usage(owner.account_id, 1))
    assert answer.status_code == 403
    assert live_server.balance(owner.account_id) == 1_000


def test_an_operator_registers_a_key_by_email(tmp_path: Path) -> None:
    assert run(tmp_path, "migrate").returncode == 0
    made = run(
        tmp_path,
        "create-user",
        "--email",
        "ann@example.com",
        "--account",
        "Ann Co",
        stdin="a-long-password\n",
    )
    assert made.returncode == 0, made.stderr
    new_public_key(tmp_path)
    args = ("add-ssh-key", "--email", "ann@example.com", "--key-file", str(tmp_path / "key.pub"))
    added = run(tmp_path, *args)
    assert added.returncode == 0, added.stderr
    assert fingerprint_of(tmp_path) in added.stdout
    assert run(tmp_path, *args).returncode == 1  # registered already
    nobody = run(
        tmp_path,
        "add-ssh-key",
        "--email",
        "bob@example.com",
        "--key-file",
        str(tmp_path / "key.pub"),
    )
    assert nobody.returncode == 1
    assert "No such user" in nobody.stderr
    scoped = run(tmp_path, "create-api-key", "--name", "gateway", "--scope", "ssh")
    assert scoped.returncode == 0
    assert '"key": "ck_' in scoped.stdout

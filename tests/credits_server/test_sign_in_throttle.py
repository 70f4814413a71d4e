"""Sign-in throttling is per (email, client address) and per client address, with a growing
wait: whoever guesses at an email slows only their own tries, and its owner still signs in from
their own machine. X-Forwarded-For counts only when the peer is a trusted proxy."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.live_server import LiveServer, Owner

PER_ADDRESS = 8
ATTACKER = "203.0.113.5"
OWNERS_MACHINE = "198.51.100.7"


@pytest.fixture(scope="module")
def proxied_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server behind a (pretend) reverse proxy on 127.0.0.1."""
    server = LiveServer(
        Path(tmp_path_factory.mktemp("sign-in")),
        env={
            "CREDITS_SERVER_TRUSTED_PROXIES": json.dumps(["127.0.0.0/8", "10.0.0.0/8"]),
            "CREDITS_SERVER_LOGIN_MAX_FAILURES_PER_ADDRESS": str(PER_ADDRESS),
        },
    )
    with server.running():
        yield server


def sign_in(
    server: LiveServer, email: str, password: str, forwarded_for: str | None
) -> httpx.Response:
    headers = {} if forwarded_for is None else {"X-Forwarded-For": forwarded_for}
    body = {"email": email, "password": password}
    return httpx.post(f"{server.url}/v1/sessions", json=body, headers=headers, timeout=30)


def age_failures(server: LiveServer, seconds: int) -> None:
    """Move every recorded failure back in time (instead of waiting)."""

    async def action(ctx: Any) -> None:
        from sqlalchemy import select

        from credits_server.models import LoginFailure

        async with ctx.db.write() as session:
            for failure in (await session.execute(select(LoginFailure))).scalars():
                failure.at -= timedelta(seconds=seconds)

    server.run(action)


def test_a_stranger_guessing_cannot_lock_the_owner_out(proxied_server: LiveServer) -> None:
    owner = proxied_server.make_owner(with_card=False)
    guesses = [sign_in(proxied_server, owner.email, "wrong-guess", ATTACKER) for _ in range(6)]
    assert [g.status_code for g in guesses] == [401] * 5 + [429]
    assert guesses[-1].json()["code"] == "too_many_attempts"

    # The proxy appends the stranger's real address: what they write before it is not believed.
    forged = sign_in(proxied_server, owner.email, "wrong-guess", f"{OWNERS_MACHINE}, {ATTACKER}")
    assert forged.status_code == 429
    # Behind a second trusted proxy the client is still the right-most untrusted address.
    assert sign_in(proxied_server, owner.email, "x", f"{ATTACKER}, 10.1.2.3").status_code == 429

    mine = sign_in(proxied_server, owner.email, owner.password, OWNERS_MACHINE)
    assert mine.status_code == 201, mine.text


def test_the_wait_grows_with_each_failure_past_the_limit(proxied_server: LiveServer) -> None:
    owner = proxied_server.make_owner(with_card=False)
    stranger = "203.0.113.6"
    for _ in range(5):
        assert sign_in(proxied_server, owner.email, "wrong-guess", stranger).status_code == 401
    first = int(sign_in(proxied_server, owner.email, "x", stranger).headers["retry-after"])
    assert 25 <= first <= 30

    age_failures(proxied_server, 31)
    assert sign_in(proxied_server, owner.email, "wrong-guess", stranger).status_code == 401
    second = int(sign_in(proxied_server, owner.email, "x", stranger).headers["retry-after"])
    assert 55 <= second <= 60


def test_one_address_trying_many_emails_is_slowed(proxied_server: LiveServer) -> None:
    owner: Owner = proxied_server.make_owner(with_card=False)
    sprayer = "203.0.113.7"
    tried = [
        sign_in(proxied_server, f"nobody{n}@example.test", "guess", sprayer).status_code
        for n in range(PER_ADDRESS + 1)
    ]
    assert tried == [401] * PER_ADDRESS + [429]
    assert sign_in(proxied_server, owner.email, owner.password, sprayer).status_code == 429
    assert sign_in(proxied_server, owner.email, owner.password, OWNERS_MACHINE).status_code == 201


def test_forwarded_for_from_an_untrusted_peer_is_ignored(live_server: LiveServer) -> None:
    """The session's server trusts no proxy: a client cannot pose as many addresses."""
    owner = live_server.make_owner(with_card=False)
    answers = [
        sign_in(live_server, owner.email, "wrong-guess", f"192.0.2.{n}").status_code
        for n in range(6)
    ]
    assert answers == [401] * 5 + [429]

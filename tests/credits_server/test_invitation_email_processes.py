"""An invitation emailed by a running credits-server: the email in flight when the server is
killed is sent again after a restart, with its same id, and the code is then gone from the outbox
and was never logged; wrong codes at accept are throttled per (email, client address) and per
client address, with an RFC 9457 429 and Retry-After, and so are wrong password reset codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.support.live_server import LiveServer, Owner
from tests.support.postgres import drop_database, private_database_url
from tests.support.receivers import MailBox, smtp_receiver
from tests.support.wait import wait_for

PER_EMAIL = 3
PER_ADDRESS = 5


@pytest.fixture(scope="module")
def mail() -> Iterator[MailBox]:
    with smtp_receiver() as box:
        yield box


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, mail: MailBox) -> Iterator[LiveServer]:
    database_url = private_database_url("invite")
    server = LiveServer(
        Path(tmp_path_factory.mktemp("invite-email")),
        env={
            "CREDITS_SERVER_SMTP_URL": mail.url,
            "CREDITS_SERVER_MAIL_FROM": "Credits <billing@example.test>",
            "CREDITS_SERVER_PUBLIC_URL": "https://credits.example.test",
            "CREDITS_SERVER_NOTIFY_POLL_SECONDS": "0.05",
            "CREDITS_SERVER_LOGIN_MAX_FAILURES": str(PER_EMAIL),
            "CREDITS_SERVER_LOGIN_MAX_FAILURES_PER_ADDRESS": str(PER_ADDRESS),
        },
        database_url_override=database_url,
    )
    try:
        with server.running():
            yield server
    finally:
        if database_url is not None:
            drop_database(database_url)


@pytest.fixture
def owner_of_server(server: LiveServer) -> Owner:
    return server.make_owner(with_card=False)


def invite(server: LiveServer, owner: Owner, email: str) -> dict[str, Any]:
    made = httpx.post(
        f"{server.url}/v1/team/invitations",
        json={"email": email, "role": "viewer"},
        headers=owner.headers,
        timeout=30,
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def outbox_row(server: LiveServer, message_id: str) -> dict[str, Any]:
    async def action(ctx: Any) -> dict[str, Any]:
        from credits_server.models import OutboxMessage

        async with ctx.db.read() as session:
            row = (
                await session.execute(select(OutboxMessage).where(OutboxMessage.id == message_id))
            ).scalar_one()
            return {c.key: getattr(row, c.key) for c in OutboxMessage.__mapper__.columns}

    return server.run(action)


def message_id_of(server: LiveServer, invitation_id: str) -> str:
    async def action(ctx: Any) -> str:
        from credits_server.models import Invitation

        async with ctx.db.read() as session:
            found = await session.get(Invitation, invitation_id)
            assert found is not None
            assert found.message_id is not None
            return found.message_id

    return server.run(action)


def test_an_email_in_flight_when_the_server_is_killed_is_sent_after_a_restart(
    server: LiveServer, mail: MailBox, owner_of_server: Owner
) -> None:
    owner = owner_of_server
    mail.mode = "hold"  # the first delivery stays in flight
    made = invite(server, owner, "grace@example.test")
    assert made["emailed"] == "queued"
    code = made["code"]
    wait_for(mail.holding.is_set, what="an email in flight")
    server.kill()
    mail.mode = "up"
    mail.release()  # its answer goes to a dead process: not recorded as delivered

    server.start()
    mail.wait(2)
    first, again = mail.messages[:2]
    assert first["Credits-Message-Id"] == again["Credits-Message-Id"]
    assert again["Message-ID"] == first["Message-ID"]  # a mail client shows it once
    for sent in (first, again):
        words = sent.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        assert f"Your one-time invitation code: {code}" in words
        assert f"https://credits.example.test/invitation#{code}" in words

    message_id = message_id_of(server, made["id"])
    wait_for(lambda: outbox_row(server, message_id)["status"] == "delivered", what="delivered")
    row = outbox_row(server, message_id)
    assert row["secret"] is None
    assert code not in str(row)
    assert code.replace("-", "") not in str(row)
    logs = [server.log_path, server.output_path]
    assert [path.name for path in logs if code in path.read_text()] == []
    team = httpx.get(f"{server.url}/v1/team", headers=owner.headers, timeout=30).json()
    assert [(i["email"], i["emailed"]) for i in team["invitations"]] == [
        ("grace@example.test", "sent")
    ]


def accept(server: LiveServer, code: str, email: str) -> httpx.Response:
    body = {"code": code, "email": email, "password": "a new password"}
    return httpx.post(f"{server.url}/v1/invitations/accept", json=body, timeout=30)


def test_wrong_codes_are_throttled_per_email_and_per_client_address(
    server: LiveServer, owner_of_server: Owner
) -> None:
    made = invite(server, owner_of_server, "linus@example.test")
    wrong = "ABCD-EFGH-JKMN-PQRS"
    tries = [accept(server, wrong, "linus@example.test") for _ in range(PER_EMAIL + 1)]
    assert [t.status_code for t in tries] == [404] * PER_EMAIL + [429]
    refused = tries[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert (problem["status"], problem["code"]) == (429, "too_many_attempts")
    wait = int(refused.headers["retry-after"])
    assert 25 <= wait <= 30
    assert problem["detail"] == f"Too many invitation codes tried. Try again in {wait} seconds."
    # While it waits, even the right code is not looked at from here.
    assert accept(server, made["code"], "linus@example.test").status_code == 429

    # Other emails from the same address: the address's own limit.
    others = [accept(server, wrong, f"n{n}@example.test").status_code for n in range(3)]
    assert others == [404, 404, 429]
    # Signing in is another count.
    body = {"email": owner_of_server.email, "password": owner_of_server.password}
    assert httpx.post(f"{server.url}/v1/sessions", json=body, timeout=30).status_code == 201


def test_wrong_reset_codes_are_throttled_too(server: LiveServer, owner_of_server: Owner) -> None:
    async def issue(ctx: Any) -> str:
        from credits_server.services.password_resets import issue_code

        return (await issue_code(ctx, owner_of_server.email)).code

    code = server.run(issue)
    redeem = f"{server.url}/v1/password-resets/redeem"

    def try_code(guess: str) -> httpx.Response:
        body = {"code": guess, "email": owner_of_server.email, "password": "another password"}
        return httpx.post(redeem, json=body, timeout=30)

    tries = [try_code("WRONG-CODE-0000") for _ in range(PER_EMAIL + 1)]
    assert [t.status_code for t in tries] == [422] * PER_EMAIL + [429]
    problem = tries[-1].json()
    assert (problem["status"], problem["code"]) == (429, "too_many_attempts")
    wait = int(tries[-1].headers["retry-after"])
    assert problem["detail"] == f"Too many reset codes tried. Try again in {wait} seconds."
    # While it waits, the right code is not looked at either: the password stays as it was.
    assert try_code(code).status_code == 429
    body = {"email": owner_of_server.email, "password": owner_of_server.password}
    assert httpx.post(f"{server.url}/v1/sessions", json=body, timeout=30).status_code == 201

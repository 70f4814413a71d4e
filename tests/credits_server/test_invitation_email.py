"""An invitation's code emailed to the invitee through the outbox, on real parts: an SMTP server
(aiosmtpd) in the test, the service's own functions, the delivery worker stepped by a simulated
clock. The code sits in the outbox only while its message waits: delivered, given up, revoked,
accepted or expired, the row no longer holds it."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from credits_core.notifications import TARGET_DISABLED
from credits_server.context import Caller, Context, make_context
from credits_server.migrate import migrate, migrate_sync
from credits_server.models import NotificationTarget, OutboxMessage
from credits_server.services import team
from credits_server.services.notifications import targets, worker
from credits_server.settings import Settings
from tests.support.clock import Clock
from tests.support.ports import free_port
from tests.support.postgres import drop_database, private_database_url
from tests.support.receivers import MailBox, smtp_receiver

DAY = 24 * 3600.0
PASSWORD = "a new password"


@dataclasses.dataclass
class World:
    ctx: Context
    mail: MailBox
    clock: Clock
    owner: Caller

    def with_settings(self, **changes: Any) -> Context:
        return dataclasses.replace(self.ctx, settings=self.ctx.settings.model_copy(update=changes))

    async def deliver(self, ctx: Context | None = None) -> None:
        await worker.deliver_due(ctx or self.ctx, "test-worker", self.clock)

    async def messages(self) -> list[dict[str, Any]]:
        """Every outbox row, every column."""
        async with self.ctx.db.read() as session:
            rows = (await session.execute(select(OutboxMessage))).scalars()
            return [
                {c.key: getattr(r, c.key) for c in OutboxMessage.__mapper__.columns} for r in rows
            ]

    async def message(self, message_id: str | None) -> dict[str, Any]:
        return next(row for row in await self.messages() if row["id"] == message_id)

    async def emailed(self) -> dict[str, str]:
        found = await team.get_team(self.ctx, self.owner.account_id)
        return {i.email: found.emails.get(i.id, "no") for i in found.invitations}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("invite-email") / "template.db"
    migrate_sync(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def mail() -> Iterator[MailBox]:
    with smtp_receiver() as box:
        yield box


@pytest.fixture
async def world(template: Path, tmp_path: Path, mail: MailBox) -> AsyncIterator[World]:
    url = private_database_url("invite")
    if url is None:
        shutil.copy(template, tmp_path / "credits.db")
    else:
        await migrate(url)
    settings = Settings(
        database_url=url or f"sqlite+aiosqlite:///{tmp_path / 'credits.db'}",
        smtp_url=SecretStr(mail.url),
        mail_from="Credits <billing@example.test>",
        public_url="https://credits.example.test/",
    )
    ctx = make_context(settings)
    from credits_server.services.accounts import create_account, create_user

    async with ctx.db.write() as session:
        account = await create_account(session, ctx.settings, "Acme Telecom", "USD")
        user = await create_user(session, account.id, "ada@acme.test", "x", "owner")
    owner = Caller(user.id, user.email, "owner", account.id)
    try:
        yield World(ctx, mail, Clock(), owner)
    finally:
        await ctx.db.dispose()
        if url is not None:
            drop_database(url)


async def test_the_invitee_gets_the_code_by_email_and_the_outbox_forgets_it(
    world: World,
) -> None:
    made = await team.invite(world.ctx, world.owner, "Grace@Example.test", "billing")
    code = made.code
    assert made.emailed == "queued"
    waiting = await world.message(made.invitation.message_id)
    assert (waiting["status"], waiting["secret"]) == ("pending", code)  # only while it waits
    assert await world.emailed() == {"grace@example.test": "queued"}

    await world.deliver()
    world.mail.wait(1)
    [sent] = world.mail.messages
    assert sent["To"] == "grace@example.test"
    assert sent["Subject"] == "Your invitation to Acme Telecom on Credits"
    plain = sent.get_body(preferencelist=("plain",))
    assert plain is not None
    words = " ".join(plain.get_content().split())
    expires = made.invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    for said in (
        "ada@acme.test invited you to the Credits account Acme Telecom as billing"
        " (pays, changes auto-recharge and notifications).",
        f"Your one-time invitation code: {code}",
        f"Or open https://credits.example.test/invitation#{code}",
        "on the sign-in screen, press ctrl+n (I have an invitation)",
        "this email address (grace@example.test) and a new password",
        f"until {expires}",
    ):
        assert said in words
    assert sent["Credits-Message-Id"] == made.invitation.message_id

    # Delivered: the row no longer holds the code, in any column, in any spelling.
    rows = await world.messages()
    assert [(row["status"], row["secret"]) for row in rows] == [("delivered", None)]
    plain_code = code.replace("-", "")
    assert not [row for row in rows if code in str(row) or plain_code in str(row)]
    assert await world.emailed() == {"grace@example.test": "sent"}
    # Not one of the account's notification targets: the Notifications screen shows nothing.
    assert await targets.list_targets(world.ctx, world.owner.account_id) == []

    joined = await team.accept(world.ctx, code, "grace@example.test", PASSWORD, "192.0.2.1", "")
    assert (joined.user.role, joined.user.account_id) == ("billing", world.owner.account_id)


async def test_without_email_the_owner_passes_the_code_on(world: World) -> None:
    silent = world.with_settings(smtp_url=SecretStr(""))
    made = await team.invite(silent, world.owner, "linus@example.test", "viewer")
    assert (made.emailed, made.invitation.message_id) == (None, None)
    assert await world.messages() == []
    assert await world.emailed() == {"linus@example.test": "no"}


async def test_a_waiting_code_goes_when_given_up_revoked_or_accepted(world: World) -> None:
    down = world.with_settings(
        smtp_url=SecretStr(f"smtp://127.0.0.1:{free_port()}"),  # nobody listens there
        notify_disable_after_seconds=DAY,  # before the give-up: an account's target is off
    )
    given_up = await team.invite(down, world.owner, "a@example.test", "viewer")
    revoked = await team.invite(down, world.owner, "b@example.test", "viewer")
    accepted = await team.invite(down, world.owner, "c@example.test", "viewer")
    await world.deliver(down)
    tried = await world.message(given_up.invitation.message_id)
    assert (tried["status"], tried["attempts"], tried["secret"]) == ("pending", 1, given_up.code)

    await team.revoke_invitation(down, world.owner, revoked.invitation.id)
    await team.accept(down, accepted.code, "c@example.test", PASSWORD, "192.0.2.1", "")
    for made in (revoked, accepted):
        row = await world.message(made.invitation.message_id)
        assert (row["status"], row["secret"]) == ("cancelled", None)

    for _ in range(4 * 24):  # four days of tries, an hour apart
        world.clock.advance(3600)
        await world.deliver(down)
    row = await world.message(given_up.invitation.message_id)
    assert (row["status"], row["secret"]) == ("dead", None)
    assert await world.emailed() == {"a@example.test": "failed"}
    # An invitee's address is no target of the account: nobody is told it was switched off,
    # and the account's dead letters are its own.
    assert not [row for row in await world.messages() if row["kind"] == TARGET_DISABLED]
    assert await targets.dead_letters(down, world.owner.account_id) == []
    assert world.mail.messages == []


async def test_a_code_still_waiting_when_its_invitation_expires_is_dropped(world: World) -> None:
    down = world.with_settings(
        smtp_url=SecretStr(f"smtp://127.0.0.1:{free_port()}"),
        notify_give_up_seconds=30 * DAY,  # longer than an invitation lives
    )
    tried = await team.invite(down, world.owner, "d@example.test", "viewer")
    await world.deliver(down)
    world.clock.advance(team.INVITATION_TTL.total_seconds() + 60)
    await world.deliver(down)  # its next try finds it expired: dropped, not sent
    assert (await world.message(tried.invitation.message_id))["status"] == "cancelled"
    # One the worker has not come back to yet (here: already expired by the test's clock) goes
    # at the hourly clean-up.
    waiting = await team.invite(down, world.owner, "f@example.test", "viewer")
    await worker.prune(down, world.clock())
    for made in (tried, waiting):
        row = await world.message(made.invitation.message_id)
        assert (row["status"], row["secret"]) == ("cancelled", None)
        assert row["last_error"] == "Not delivered before it expired."
    assert world.mail.messages == []


async def test_the_database_refuses_a_code_on_a_message_that_no_longer_waits(
    world: World,
) -> None:
    made = await team.invite(world.ctx, world.owner, "e@example.test", "viewer")
    with pytest.raises(IntegrityError):
        async with world.ctx.db.write() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == made.invitation.message_id)
                .values(status="delivered")
            )
    async with world.ctx.db.read() as session:
        direct = (await session.execute(select(NotificationTarget))).scalars().one()
    assert (direct.channel, direct.address) == ("direct", "e@example.test")


async def test_an_invitees_target_goes_once_its_messages_are_pruned(world: World) -> None:
    sent = await team.invite(world.ctx, world.owner, "g@example.test", "viewer")
    await world.deliver()
    assert (await world.message(sent.invitation.message_id))["status"] == "delivered"
    down = world.with_settings(
        smtp_url=SecretStr(f"smtp://127.0.0.1:{free_port()}"), notify_give_up_seconds=60
    )
    given_up = await team.invite(down, world.owner, "h@example.test", "viewer")
    await world.deliver(down)
    world.clock.advance(120)
    await world.deliver(down)
    assert (await world.message(given_up.invitation.message_id))["status"] == "dead"

    await worker.prune(world.ctx, world.clock())  # kept while young
    assert len(await world.messages()) == 2
    world.clock.advance(world.ctx.settings.notify_keep_seconds + 60)
    await worker.prune(world.ctx, world.clock())
    assert await world.messages() == []
    async with world.ctx.db.read() as session:
        left = (await session.execute(select(NotificationTarget.channel))).scalars().all()
    assert "direct" not in left
    assert len(world.mail.messages) == 1

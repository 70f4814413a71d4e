"""Notifications on real parts: an SMTP server (aiosmtpd) and an HTTP receiver in the test, the
service's own functions as the causes, the delivery worker stepped by a simulated clock."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from credits_server.context import Caller, Context, make_context
from credits_server.migrate import migrate, migrate_sync
from credits_server.models import NotificationTarget, utcnow
from credits_server.services import operators, payment_methods, support, topups, usage
from credits_server.services.notifications import addresses, targets, worker
from credits_server.settings import Settings
from tests.support.clock import Clock
from tests.support.postgres import drop_database, private_database_url
from tests.support.receivers import MailBox, WebhookInbox, smtp_receiver, webhook_receiver

HOUR = 3600.0
ALL = ["topup.succeeded", "support_request.received", "low_balance", "payment_method.removed"]


@dataclasses.dataclass
class World:
    ctx: Context
    mail: MailBox
    hook: WebhookInbox
    clock: Clock
    account_id: str = ""
    user_id: str = ""
    card_id: str = ""

    async def deliver(self) -> None:
        await worker.deliver_due(self.ctx, "test-worker", self.clock)

    async def support_request(self, text: str) -> str:
        caller = Caller(self.user_id, "o@example.test", "owner", self.account_id)
        item, _ = await support.create_request(self.ctx, caller, 500, text, "o@example.test")
        return item.reference


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("notify") / "template.db"
    migrate_sync(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def receivers() -> Iterator[tuple[MailBox, WebhookInbox]]:
    with smtp_receiver() as mail, webhook_receiver() as hook:
        yield mail, hook


@pytest.fixture
async def world(
    template: Path, tmp_path: Path, receivers: tuple[MailBox, WebhookInbox]
) -> AsyncIterator[World]:
    # The PostgreSQL pass: a private database of the test cluster; else a copy of the template.
    url = private_database_url("notify")
    if url is None:
        shutil.copy(template, tmp_path / "credits.db")
    else:
        await migrate(url)
    settings = Settings(
        database_url=url or f"sqlite+aiosqlite:///{tmp_path / 'credits.db'}",
        smtp_url=SecretStr(receivers[0].url),
        mail_from="Credits <billing@example.test>",
        webhook_allow_http=True,
    )
    ctx = make_context(settings)
    world = World(ctx, *receivers, Clock())
    await _account(world)
    try:
        yield world
    finally:
        await ctx.db.dispose()
        if url is not None:
            drop_database(url)


async def _account(world: World) -> None:
    from credits_server.cards import check_card
    from credits_server.services.accounts import create_account, create_user

    ctx = world.ctx
    card = check_card("4242424242424242", 12, utcnow().year + 3, "123", "Ada")
    token = (await ctx.gateway.tokenize(card)).token
    saved = await ctx.gateway.save_for_future(token, customer="t")
    async with ctx.db.write() as session:
        account = await create_account(session, ctx.settings, "Acme Telecom", "USD")
        user = await create_user(session, account.id, "o@example.test", "x", "owner")
        method = await payment_methods.save_tokenized(session, account.id, saved, "Ada")
    world.account_id, world.user_id, world.card_id = account.id, user.id, method.id


def signed_by(secret: str, header: str, body: bytes) -> bool:
    """Stripe's scheme, written here on its own: t=<seconds>,v1=<hex HMAC-SHA256(t.body)>."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(
        secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


async def test_every_cause_reaches_the_mailbox_and_the_signed_webhook_in_order(
    world: World,
) -> None:
    ctx = world.ctx
    await targets.add_target(ctx, world.account_id, "email", "finance@example.test", ALL)
    hook = await targets.add_target(ctx, world.account_id, "webhook", world.hook.url, ALL)
    assert hook.secret is not None
    assert hook.secret.startswith("whsec_")

    request = topups.TopupRequest(amount=2500, payment_method_id=world.card_id)
    topup, _ = await topups.create_topup(ctx, world.account_id, world.user_id, "k1", request)
    reference = await world.support_request("Calls dropped yesterday")
    record = {"account_id": world.account_id, "amount": 2000, "kind": "call", "reference": "c1"}
    await usage.apply_usage(ctx, [usage.parse_record(record)])  # $25.00 -> $5.00: below $10
    await payment_methods.delete_method(ctx, world.account_id, world.card_id)
    await world.deliver()
    world.mail.wait(4)
    subjects = [message["Subject"] for message in world.mail.messages]
    assert subjects == [
        "Receipt: $25.00 added",
        f"Support request {reference} received",
        "Low balance",
        "Card removed: Visa ending 4242",
    ]
    receipt = world.mail.messages[0]
    text = receipt.get_body(preferencelist=("plain",))
    page = receipt.get_body(preferencelist=("html",))
    assert text is not None
    assert page is not None
    words = text.get_content()
    # The numbered receipt's own text, as History and the PDF show it.
    assert "RECEIPT" in words
    for label, value in (("Receipt no.", "000001"), ("Paid by", "Visa ending in 4242")):
        assert re.search(rf"{re.escape(label)}:\s+{re.escape(value)}", words)
    assert re.search(rf"Payment:\s+{topup.id}", words)
    assert "Account: Acme Telecom" in words
    assert "<h1>Receipt: $25.00 added</h1>" in page.get_content()
    assert "it is now $5.00" in world.mail.messages[2].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert receipt["To"] == "finance@example.test"
    assert receipt["Message-ID"] == f"<{receipt['Credits-Message-Id']}@example.test>"

    world.hook.wait(4)
    bodies = [json.loads(r.body) for r in world.hook.received]
    assert [b["type"] for b in bodies] == ALL
    assert bodies[0]["data"]["topup"]["id"] == topup.id
    assert bodies[2]["data"]["balance"] == 500
    for received, body in zip(world.hook.received, bodies, strict=True):
        assert signed_by(hook.secret, received.headers["Credits-Signature"], received.body)
        assert received.headers["Credits-Message-Id"] == body["id"]
        assert body["account_id"] == world.account_id
    assert not signed_by(
        "whsec_other",
        world.hook.received[0].headers["Credits-Signature"],
        world.hook.received[0].body,
    )


async def test_a_support_answer_is_emailed_to_who_asked_for_it(world: World) -> None:
    await targets.add_target(
        world.ctx, world.account_id, "email", "finance@example.test", ["support.answered"]
    )
    reference = await world.support_request("Invoice us for $2,500")
    await operators.answer_support(world.ctx, reference, "Sent today.\nPay within 30 days.")
    await world.deliver()
    world.mail.wait(1)
    [answer] = world.mail.messages
    assert answer["Subject"] == f"Support request {reference} answered"
    words = answer.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Sent today.\nPay within 30 days." in words.replace("\r\n", "\n")


async def test_a_receiver_down_for_a_day_gets_everything_after_in_order(world: World) -> None:
    ctx = world.ctx
    await targets.add_target(
        ctx, world.account_id, "webhook", world.hook.url, ["support_request.received"]
    )
    world.hook.mode = "down"
    references = [await world.support_request(f"question {n}") for n in range(5)]
    for _ in range(24):  # a day, looked at every hour: only the first message is tried
        await world.deliver()
        world.clock.advance(HOUR)
    tried = {json.loads(r.body)["id"] for r in world.hook.received}
    assert len(tried) == 1
    assert len(world.hook.received) > 5  # it was tried again and again, with the same id

    world.hook.mode = "up"
    world.clock.advance(HOUR)
    await world.deliver()
    bodies = [json.loads(r.body) for r in world.hook.received]
    delivered = [b["data"]["support_request"]["reference"] for b in bodies]
    assert list(dict.fromkeys(delivered)) == references  # all, in the order written
    assert len({b["id"] for b in bodies}) == 5
    assert await targets.dead_letters(ctx, world.account_id) == []
    assert await worker.prune(ctx, world.clock()) == 0  # kept for a month
    world.clock.advance(31 * 24 * HOUR)
    assert await worker.prune(ctx, world.clock()) == 5


async def test_a_target_failing_for_days_gives_dead_letters_and_is_switched_off(
    world: World,
) -> None:
    ctx = world.ctx
    await targets.add_target(ctx, world.account_id, "email", "owner@example.test", [])
    hook = await targets.add_target(
        ctx, world.account_id, "webhook", world.hook.url, ["support_request.received"]
    )
    world.hook.mode = "down"
    first = await world.support_request("first")
    for _ in range(13):  # three and a quarter days: the first message is given up on
        await world.deliver()
        world.clock.advance(6 * HOUR)
    dead = await targets.dead_letters(ctx, world.account_id)
    assert [json.loads(d.message.data)["data"]["support_request"]["reference"] for d in dead] == [
        first
    ]
    assert dead[0].address == world.hook.url
    assert "503" in (dead[0].message.last_error or "")
    assert world.mail.messages == []  # still on: the owner is not told yet

    world.clock.advance(HOUR * 20)  # a fourth day of failures: switched off at its next failure
    await world.support_request("second")
    await world.deliver()
    row = await _target(ctx, hook.target.id)
    assert not row.enabled
    assert "failing since" in (row.disabled_reason or "")
    world.mail.wait(1)
    told = world.mail.messages[0]
    assert told["Subject"] == f"URGENT: notifications to {world.hook.url} are switched off"
    assert "failed for days" in told.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert len(await targets.dead_letters(ctx, world.account_id)) == 2


async def _target(ctx: Context, target_id: str) -> NotificationTarget:
    async with ctx.db.read() as session:
        row = await session.get(NotificationTarget, target_id)
    assert row is not None
    return row


def test_webhook_urls_that_could_reach_inside_are_refused() -> None:
    settings = Settings(database_url="sqlite+aiosqlite://")
    for url in (
        "http://example.com/hook",
        "https://10.0.0.5/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://user:pw@example.com/hook",
        "ftp://example.com/hook",
        "http://127.0.0.1:9/hook",  # http even to loopback, without the test setting
    ):
        with pytest.raises(addresses.Refused):
            addresses.check_url(settings, url)
    assert addresses.check_url(settings, "https://example.com/hook")
    allowed = settings.model_copy(update={"webhook_allowed_networks": ["10.0.0.0/8"]})
    assert addresses.check_url(allowed, "https://10.0.0.5/hook")


async def test_a_name_resolving_to_a_private_address_and_a_redirect_are_not_followed(
    world: World,
) -> None:
    ctx = world.ctx
    port = world.hook.url.split(":")[2].split("/")[0]
    named = await targets.add_target(  # passes the URL check: only resolving says where it goes
        ctx, world.account_id, "webhook", f"https://localhost:{port}/hook", []
    )
    strict = dataclasses.replace(
        ctx, settings=ctx.settings.model_copy(update={"webhook_allow_http": False})
    )
    await targets.send_test(ctx, world.account_id, named.target.id)
    await worker.deliver_due(strict, "test-worker", world.clock)
    assert world.hook.received == []

    world.hook.mode = "redirect"
    plain = await targets.add_target(ctx, world.account_id, "webhook", world.hook.url, [])
    await targets.send_test(ctx, world.account_id, plain.target.id)
    await world.deliver()
    assert [r.path for r in world.hook.received] == ["/hook"]  # not /elsewhere
    async with ctx.db.read() as session:
        from sqlalchemy import select

        from credits_server.models import OutboxMessage

        errors = (await session.execute(select(OutboxMessage.last_error))).scalars().all()
    assert any("private, local or reserved" in (e or "") for e in errors)
    assert any("answered 302" in (e or "") for e in errors)

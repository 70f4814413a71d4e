"""One delivery of one message to one target, by its channel."""

from __future__ import annotations

from datetime import datetime

from credits_server.models import Account, NotificationTarget, OutboxMessage
from credits_server.services.notifications import render, smtp, webhook
from credits_server.settings import Settings


async def deliver(
    settings: Settings,
    target: NotificationTarget,
    message: OutboxMessage,
    account: Account,
    now: datetime,
    receipt: str | None = None,
) -> None:
    """Return when the receiver took the message; raise (with the reason) otherwise."""
    if target.channel == "webhook":
        body = render.webhook_body(message.id, message.account_id, message.data)
        await webhook.post(
            settings, target.address, target.secret or "", message.id, body, int(now.timestamp())
        )
        return
    content = render.email(
        message.id, account.name, account.currency, message.data, receipt, message.secret
    )
    await smtp.send(settings, smtp.build(settings, target.address, message.id, content))

"""Sending one email over SMTP (aiosmtplib): plain text and a simple HTML part, with the
message's stable id in its Message-ID (and a header of its own) for de-duplication."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import unquote, urlsplit

import aiosmtplib

from credits_server.services.notifications.addresses import DeliveryFailed
from credits_server.services.notifications.render import Email
from credits_server.services.notifications.signing import ID_HEADER
from credits_server.settings import Settings


def build(settings: Settings, to: str, message_id: str, content: Email) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = content.subject
    message["Date"] = formatdate(usegmt=True)
    domain = settings.mail_from.rpartition("@")[2].strip("> ") or "credits.invalid"
    message["Message-ID"] = f"<{message_id}@{domain}>"
    message[ID_HEADER] = message_id
    message.set_content(content.text)
    message.add_alternative(content.html, subtype="html")
    return message


def configured(settings: Settings) -> bool:
    """Whether the server sends email at all (`smtp_url` and `mail_from` both set)."""
    return bool(settings.smtp_url.get_secret_value() and settings.mail_from)


async def send(settings: Settings, message: EmailMessage) -> None:
    url = settings.smtp_url.get_secret_value()
    if not configured(settings):
        raise DeliveryFailed("The server has no smtp_url or mail_from set.")
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise DeliveryFailed("smtp_url must be smtp://host[:port] or smtps://host[:port].")
    implicit = parts.scheme == "smtps"
    try:
        await aiosmtplib.send(
            message,
            hostname=parts.hostname,
            port=parts.port or (465 if implicit else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=implicit,
            start_tls=None if not implicit else False,
            timeout=settings.notify_timeout_seconds,
        )
    except aiosmtplib.SMTPException as error:
        raise DeliveryFailed(f"SMTP: {error}") from error

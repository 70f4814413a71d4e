"""Real receivers of notifications for tests: an SMTP server (aiosmtpd) and an HTTP endpoint,
each on a free 127.0.0.1 port in a thread of its own, so sync and async tests can use them.

``smtp_receiver()`` (context manager) yields a ``MailBox``: ``url`` (for `smtp_url`),
``messages`` (each an ``email.message.EmailMessage`` as received), ``wait(n)``, ``mode`` ("up"
answers 250; "hold" keeps the answer to a message's data back until ``release()``, ``holding``
set meanwhile).
``webhook_receiver()`` yields a ``WebhookInbox``: ``url``, ``received`` (``Received``: path,
headers, body), ``mode`` ("up" answers 204, "down" 503, "redirect" a 302 to ``/elsewhere``,
"hold" keeps the request open until ``release()``), ``wait(n)``.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.ports import free_port
from tests.support.wait import wait_for


@dataclass
class MailBox:
    url: str
    messages: list[EmailMessage] = field(default_factory=list)
    mode: str = "up"
    held: threading.Event = field(default_factory=threading.Event)
    holding: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        if self.mode == "hold":
            self.holding.set()
            await asyncio.to_thread(self.held.wait, 30)
        return "250 OK"

    def release(self) -> None:
        self.held.set()

    def wait(self, count: int, within: float = 20) -> None:
        wait_for(lambda: len(self.messages) >= count, within, what=f"{count} emails")


@contextmanager
def smtp_receiver() -> Iterator[MailBox]:
    port = free_port()
    box = MailBox(url=f"smtp://127.0.0.1:{port}")
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box
    finally:
        box.release()
        controller.stop()


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookInbox:
    url: str
    mode: str = "up"
    received: list[Received] = field(default_factory=list)
    held: threading.Event = field(default_factory=threading.Event)
    holding: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.held.set()

    def wait(self, count: int, within: float = 20) -> None:
        wait_for(lambda: len(self.received) >= count, within, what=f"{count} webhooks")


def _handler(inbox: WebhookInbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            inbox.received.append(Received(self.path, dict(self.headers.items()), body))
            if inbox.mode == "hold":
                inbox.holding.set()
                inbox.held.wait(30)
            if inbox.mode == "down":
                self.send_response(503)
            elif inbox.mode == "redirect":
                self.send_response(302)
                self.send_header("Location", "/elsewhere")
            else:
                self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def webhook_receiver() -> Iterator[WebhookInbox]:
    port = free_port()
    inbox = WebhookInbox(url=f"http://127.0.0.1:{port}/hook")
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(inbox))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield inbox
    finally:
        inbox.release()
        server.shutdown()
        server.server_close()

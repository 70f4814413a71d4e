"""Sending one webhook: POST of the message's JSON, signed, no redirect followed (httpcore
follows none), every connection checked against the address rules after name resolution and
again on the address actually connected to."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable

import httpcore

from credits_server import __version__
from credits_server.services.notifications import addresses, signing
from credits_server.settings import Settings


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the rules allow, and says which one it connected to."""

    def __init__(self, settings: Settings, scheme: str) -> None:
        self._settings = settings
        self._scheme = scheme
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore calls it so)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        found = [str(info[4][0]) for info in infos]
        for address in found:  # every answer: a name that mixes in a private address is refused
            addresses.check_address(self._settings, address, self._scheme)
        stream = await self._inner.connect_tcp(
            found[0], port, timeout, local_address, socket_options
        )
        peer = stream.get_extra_info("server_addr")
        try:
            addresses.check_address(self._settings, str(peer[0]), self._scheme)
        except addresses.Refused:
            await stream.aclose()
            raise
        return stream

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore calls it so)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise addresses.Refused("Webhooks go over TCP only.")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def post(
    settings: Settings, url: str, secret: str, message_id: str, body: bytes, timestamp: int
) -> None:
    """Deliver, or raise with the reason (a status other than 2xx, a refused address...)."""
    addresses.check_url(settings, url)
    scheme = url.partition(":")[0].lower()
    headers = [
        (b"Content-Type", b"application/json"),
        (b"User-Agent", f"credits-server/{__version__}".encode()),
        (signing.ID_HEADER.encode(), message_id.encode()),
        (signing.HEADER.encode(), signing.signature(secret, timestamp, body).encode()),
    ]
    wait = settings.notify_timeout_seconds
    timeouts = {"connect": wait, "read": wait, "write": wait, "pool": wait}
    async with (
        httpcore.AsyncConnectionPool(
            network_backend=GuardedBackend(settings, scheme), retries=0, max_connections=1
        ) as pool,
        asyncio.timeout(wait),
        pool.stream(  # the answer's body is never read: only its status counts
            "POST", url, headers=headers, content=body, extensions={"timeout": timeouts}
        ) as response,
    ):
        status = response.status
    if not 200 <= status < 300:
        raise addresses.DeliveryFailed(f"The endpoint answered {status}.")

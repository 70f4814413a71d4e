"""Faults a real server cannot produce on demand, injected under the real client."""

from __future__ import annotations

import asyncio

import httpx


class GatedTransport(httpx.AsyncBaseTransport):
    """Passes requests to the live server, except that it can hold some paths or drop the link.

    `hold(path)` makes requests to `path` wait until `release()` (a slow server); `down = True`
    makes every request fail as if the network were gone.
    """

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport(retries=0)
        self._held: set[str] = set()
        self._gate: asyncio.Event | None = None
        self.down = False

    def hold(self, *paths: str) -> None:
        self._held.update(paths)

    def release(self) -> None:
        self._held.clear()
        if self._gate is not None:
            self._gate.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("the test cut the network", request=request)
        if request.url.path in self._held:
            if self._gate is None:
                self._gate = asyncio.Event()
            await self._gate.wait()
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()

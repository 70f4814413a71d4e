"""Faults a real server cannot produce on demand, injected under the real client."""

from __future__ import annotations

import asyncio

import httpx


class GatedTransport(httpx.AsyncBaseTransport):
    """Passes requests to the live server, except that it can hold some paths or drop the link.

    `hold(path)` makes requests to `path` (or `hold("GET /path")`: reads only) wait until
    `release()` (a slow server); `down = True`
    makes every request fail as if the network were gone.
    """

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport(retries=0)
        self._held: set[str] = set()
        self._gate: asyncio.Event | None = None
        self.down = False
        self.answers: list[tuple[str, str, int]] = []  # (method, path, status) as they came back

    def hold(self, *paths: str) -> None:
        self._held.update(paths)

    def release(self) -> None:
        self._held.clear()
        if self._gate is not None:
            self._gate.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("the test cut the network", request=request)
        path = request.url.path
        if path in self._held or f"{request.method} {path}" in self._held:
            if self._gate is None:
                self._gate = asyncio.Event()
            await self._gate.wait()
        response = await self._inner.handle_async_request(request)
        self.answers.append((request.method, request.url.path, response.status_code))
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()

"""Network faults a real server cannot produce on demand, injected under the real client.

``FaultyLink`` is an httpx transport to the live credits-server; every request it is not told
to break goes to the server unchanged. It can:

- ``down = True``: fail every request as if the network were gone (a connection error);
- ``add(method, path, action, times=1)``: hand the next `times` such requests to an ``Action``
  (``lose_answer``, ``unavailable``, ``answer_with``, ``held`` below, or a test's own);
- ``hold("/path")`` or ``hold("GET /path")``: keep such requests from the server until
  ``release()`` (a slow server);
- ``answers``: (method, path, status) of every answer the server gave, as they came back;
  ``wait_answered(path, count)`` waits for the `count`-th answer for `path`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

Action = Callable[[httpx.Request, httpx.AsyncBaseTransport], Awaitable[httpx.Response]]


@dataclass
class Rule:
    method: str
    path: str
    action: Action
    times: int


class FaultyLink(httpx.AsyncBaseTransport):
    """A transport to the real server that breaks the requests it is told to."""

    def __init__(self) -> None:
        self.real = httpx.AsyncHTTPTransport(retries=0)
        self.rules: list[Rule] = []
        self.down = False
        self.answers: list[tuple[str, str, int]] = []
        self._answer = asyncio.Event()
        self._held: set[str] = set()
        self._gate: asyncio.Event | None = None

    def add(self, method: str, path: str, action: Action, *, times: int = 1) -> None:
        self.rules.append(Rule(method, path, action, times))

    def hold(self, *paths: str) -> None:
        self._held.update(paths)

    def release(self) -> None:
        self._held.clear()
        if self._gate is not None:
            self._gate.set()

    async def wait_answered(self, path: str, count: int) -> None:
        """Wait until `count` answers for `path` came back (to order a test after the store's own
        background requests)."""
        async with asyncio.timeout(10):
            while sum(1 for _, answered, _ in self.answers if answered == path) < count:
                self._answer.clear()
                await self._answer.wait()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        method, path = request.method, request.url.path
        for rule in self.rules:
            if rule.times and (method, path) == (rule.method, rule.path):
                rule.times -= 1
                return await rule.action(request, self.real)
        if path in self._held or f"{method} {path}" in self._held:
            if self._gate is None:
                self._gate = asyncio.Event()
            await self._gate.wait()
        response = await self.real.handle_async_request(request)
        self.answers.append((method, path, response.status_code))
        self._answer.set()
        return response

    async def aclose(self) -> None:
        await self.real.aclose()


async def lose_answer(request: httpx.Request, real: httpx.AsyncBaseTransport) -> httpx.Response:
    """The server gets the request and acts on it; its answer never arrives."""
    response = await real.handle_async_request(request)
    await response.aread()
    await response.aclose()
    raise httpx.ReadTimeout("timed out", request=request)


def unavailable(retry_after: str) -> Action:
    async def answer(request: httpx.Request, real: httpx.AsyncBaseTransport) -> httpx.Response:
        problem = {"status": 503, "code": "unavailable", "title": "Service Unavailable"}
        headers = {"Retry-After": retry_after, "Content-Type": "application/problem+json"}
        return httpx.Response(503, json=problem, headers=headers)

    return answer


def held(arrived: asyncio.Event, release: asyncio.Event) -> Action:
    """The server answers at once; the answer is delivered only when `release` is set."""

    async def action(request: httpx.Request, real: httpx.AsyncBaseTransport) -> httpx.Response:
        response = await real.handle_async_request(request)
        await response.aread()
        arrived.set()
        await release.wait()
        return response

    return action


def answer_with(status: int, retry_after: str | None = None) -> Action:
    async def answer(request: httpx.Request, real: httpx.AsyncBaseTransport) -> httpx.Response:
        headers = {"Content-Type": "application/problem+json"}
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        problem = {"status": status, "code": f"http_{status}", "title": "Try again"}
        return httpx.Response(status, json=problem, headers=headers)

    return answer

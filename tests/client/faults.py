"""Faults a real server cannot produce on demand, layered over the real one: every request not
matched by a rule goes to the live credits-server unchanged."""

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
    """A transport to the real server that breaks the requests it is told to, `times` times."""

    def __init__(self) -> None:
        self.real = httpx.AsyncHTTPTransport()
        self.rules: list[Rule] = []
        self.down = False
        self.answered: dict[str, int] = {}
        self._answer = asyncio.Event()

    async def wait_answered(self, path: str, count: int) -> None:
        """Wait until `count` answers for `path` came back (to order a test after the store's own
        background requests)."""
        async with asyncio.timeout(10):
            while self.answered.get(path, 0) < count:
                self._answer.clear()
                await self._answer.wait()

    def add(self, method: str, path: str, action: Action, *, times: int = 1) -> None:
        self.rules.append(Rule(method, path, action, times))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        for rule in self.rules:
            if rule.times and (request.method, request.url.path) == (rule.method, rule.path):
                rule.times -= 1
                return await rule.action(request, self.real)
        response = await self.real.handle_async_request(request)
        path = request.url.path
        self.answered[path] = self.answered.get(path, 0) + 1
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

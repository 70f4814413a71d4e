"""Helpers for the hardening tests: every error must be a problem document, never a 500; a
server of its own where the card-testing limits are the defaults."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import LiveServer


def assert_problem(response: httpx.Response, *statuses: int) -> dict[str, object]:
    """The answer is one of `statuses`, as application/problem+json with a stable code."""
    assert response.status_code in statuses, (response.status_code, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, object] = response.json()
    assert problem["status"] == response.status_code
    assert isinstance(problem["code"], str)
    assert problem["code"]
    return problem


@pytest.fixture
def limited_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of its own with the default limit (the session's allows many top-ups)."""
    server = LiveServer(tmp_path / "limited")
    with server.running():
        yield server

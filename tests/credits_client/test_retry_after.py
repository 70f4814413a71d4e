"""Retry-After in both of its forms, and what is worth waiting for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx

from credits_client.api.transport import retry_after_seconds


def answer(value: str | None) -> httpx.Response:
    headers = {} if value is None else {"Retry-After": value}
    return httpx.Response(503, headers=headers)


def test_seconds_and_dates() -> None:
    assert retry_after_seconds(answer("3")) == 3.0
    assert retry_after_seconds(answer(None)) is None
    assert retry_after_seconds(answer("soon")) is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    waited = retry_after_seconds(answer(later))
    assert waited is not None
    assert 25 <= waited <= 30
    earlier = format_datetime(datetime.now(UTC) - timedelta(seconds=30), usegmt=True)
    assert retry_after_seconds(answer(earlier)) == 0.0

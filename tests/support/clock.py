"""A clock for the server's workers that tests move forward instead of sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta

from credits_server.models import utcnow


class Clock:
    """The worker's time: the real time moved on by the test."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def __call__(self) -> datetime:
        return utcnow() + self.ahead

    def advance(self, seconds: float) -> None:
        self.ahead += timedelta(seconds=seconds)

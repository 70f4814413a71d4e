"""Every live session of the server: the caps (per user and in total) and the shutdown."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Protocol


class Ending(Protocol):
    async def end(self, notice: str) -> None: ...


class Hub:
    def __init__(self, max_sessions: int, max_per_user: int) -> None:
        self.max_sessions = max_sessions
        self.max_per_user = max_per_user
        self._sessions: dict[Ending, str | None] = {}
        self._per_user: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._sessions)

    def admit(self, session: Ending, user: str | None) -> str | None:
        """Take the session in; or say, for the person, why not."""
        if len(self._sessions) >= self.max_sessions:
            return "The credits service is full right now. Try again in a few minutes."
        if user is not None and self._per_user[user] >= self.max_per_user:
            return (
                f"You already have {self.max_per_user} sessions open; "
                "close one of them and connect again."
            )
        self._sessions[session] = user
        if user is not None:
            self._per_user[user] += 1
        return None

    def leave(self, session: Ending) -> None:
        if session not in self._sessions:
            return
        user = self._sessions.pop(session)
        if user is not None:
            self._per_user[user] -= 1
            if self._per_user[user] <= 0:
                del self._per_user[user]

    async def end_all(self, notice: str) -> None:
        await asyncio.gather(*(session.end(notice) for session in list(self._sessions)))

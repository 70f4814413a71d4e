"""Who may try to sign in. Connections still signing in are capped, in total and per client
address, so a flood of idle connections cannot hold the server; and failed key sign-ins slow
their address down with a growing wait, in the shape of the credits server's sign-in throttle:
once an address has `limit` failures in the window, it waits `delay` after the latest, doubled
for each failure past the limit, at most the window.

A failure is an unregistered key offered on a connection that then does not get in: someone
whose agent offers three other keys before their registered one is not slowed down.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class KeyThrottle:
    limit: int
    delay: float
    window: float
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _swept: float = 0.0

    def __len__(self) -> int:
        """Addresses with failures counted."""
        return len(self._failures)

    def wait(self, address: str, now: float) -> int:
        """Whole seconds until `address` may try again; 0 if it may now."""
        failures = self._recent(address, now)
        if len(failures) < self.limit:
            return 0
        delay = min(self.delay * 2.0 ** min(len(failures) - self.limit, 20), self.window)
        return max(0, math.ceil(failures[-1] + delay - now))

    def failed(self, address: str, now: float) -> float:
        """Count one failure; what it returns takes it back (`forgive`)."""
        if now - self._swept > 60:  # addresses that never came back are forgotten
            self._swept = now
            for stale in [a for a, at in self._failures.items() if at[-1] <= now - self.window]:
                del self._failures[stale]
        self._failures.setdefault(address, []).append(now)
        return now

    def forgive(self, address: str, failures: list[float]) -> None:
        """The connection these failures were made on got in after all."""
        kept = self._failures.get(address, [])
        for failure in failures:
            if failure in kept:
                kept.remove(failure)
        if not kept:
            self._failures.pop(address, None)

    def _recent(self, address: str, now: float) -> list[float]:
        failures = [at for at in self._failures.get(address, []) if at > now - self.window]
        if failures:
            self._failures[address] = failures
        else:
            self._failures.pop(address, None)
        return failures


@dataclass
class SigningIn:
    """Connections not yet signed in: at most `total`, and `per_address` from one address."""

    total: int
    per_address: int
    _counts: Counter[str] = field(default_factory=Counter)

    def enter(self, address: str) -> str | None:
        """Count the connection in; or say why not (then it is not counted)."""
        if self._counts.total() >= self.total:
            return "Too many connections are signing in right now; try again in a moment."
        if self._counts[address] >= self.per_address:
            return f"Too many connections from {address} are signing in at once."
        self._counts[address] += 1
        return None

    def leave(self, address: str) -> None:
        self._counts[address] -= 1
        if self._counts[address] <= 0:
            del self._counts[address]

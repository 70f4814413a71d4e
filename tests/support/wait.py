"""Waiting for a condition with a deadline: the one way tests wait (never a fixed sleep).

``wait_for`` blocks (for threads, subprocesses and servers); ``wait_for_async`` yields to the
event loop between checks, and with ``pilot=`` lets a Textual app under test process its
messages and redraw between checks. Both fail with an AssertionError at the deadline.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.pilot import Pilot

WITHIN = 20.0
POLL = 0.02  # seconds between checks: a poll interval, not synchronisation


def _checks(condition: Callable[[], bool], within: float, what: str) -> Iterator[None]:
    """Yields once for every check of `condition` that fails, until the deadline."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not met in {within}s: {what or condition.__doc__ or condition}")
        yield


def wait_for(
    condition: Callable[[], bool], within: float = WITHIN, what: str = "", every: float = POLL
) -> None:
    """Block until `condition()` holds (checked every `every` seconds), or fail after `within`."""
    for _ in _checks(condition, within, what):
        time.sleep(every)


async def wait_for_async(
    condition: Callable[[], bool],
    within: float = WITHIN,
    what: str = "",
    *,
    pilot: Pilot[Any] | None = None,
) -> None:
    """Let the event loop (and the `pilot`'s app) run until `condition()` holds, or fail."""
    for _ in _checks(condition, within, what):
        if pilot is None:
            await asyncio.sleep(POLL)
        else:
            await pilot.pause(POLL)
            await asyncio.sleep(0)

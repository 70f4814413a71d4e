"""serve-ssh's door: the growing wait after failed key sign-ins, and the caps on connections still
signing in (the real SSH client meets both in tests/e2e/test_serve_ssh.py)."""

from __future__ import annotations

from tui.serve_ssh.door import KeyThrottle, SigningIn


def test_failures_past_the_limit_make_a_growing_wait_per_address() -> None:
    throttle = KeyThrottle(limit=3, delay=30, window=900)
    for at in (0.0, 1.0):
        throttle.failed("10.0.0.1", at)
    assert throttle.wait("10.0.0.1", 2.0) == 0  # under the limit
    throttle.failed("10.0.0.1", 2.0)
    assert throttle.wait("10.0.0.1", 2.0) == 30
    assert throttle.wait("10.0.0.2", 2.0) == 0  # another address is not slowed down
    assert throttle.wait("10.0.0.1", 32.0) == 0  # waited it out
    throttle.failed("10.0.0.1", 32.0)
    assert throttle.wait("10.0.0.1", 32.0) == 60  # doubled
    throttle.failed("10.0.0.1", 92.0)
    assert throttle.wait("10.0.0.1", 92.5) == 120
    assert throttle.wait("10.0.0.1", 2000.0) == 0  # the window forgets


def test_the_wait_is_at_most_the_window() -> None:
    throttle = KeyThrottle(limit=1, delay=30, window=100)
    for at in range(10):
        throttle.failed("10.0.0.1", float(at))
    assert throttle.wait("10.0.0.1", 9.0) == 100


def test_addresses_that_never_come_back_are_forgotten() -> None:
    throttle = KeyThrottle(limit=1, delay=30, window=100)
    throttle.failed("10.0.0.1", 0.0)
    throttle.failed("10.0.0.2", 500.0)
    assert len(throttle) == 1


def test_a_connection_that_gets_in_is_forgiven_its_failures() -> None:
    throttle = KeyThrottle(limit=2, delay=30, window=900)
    mine = [throttle.failed("10.0.0.1", at) for at in (0.0, 1.0)]
    assert throttle.wait("10.0.0.1", 1.0) == 30
    throttle.forgive("10.0.0.1", mine)
    assert throttle.wait("10.0.0.1", 1.0) == 0


def test_connections_signing_in_are_capped_in_total_and_per_address() -> None:
    door = SigningIn(total=3, per_address=2)
    assert door.enter("10.0.0.1") is None
    assert door.enter("10.0.0.1") is None
    assert "from 10.0.0.1" in (door.enter("10.0.0.1") or "")
    assert door.enter("10.0.0.2") is None
    assert "right now" in (door.enter("10.0.0.3") or "")
    door.leave("10.0.0.1")
    assert door.enter("10.0.0.3") is None

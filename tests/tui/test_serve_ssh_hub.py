"""serve-ssh's caps: sessions per user and in total; a session that ends frees its place."""

from __future__ import annotations

from tui.serve_ssh.hub import Hub


class Session:
    ended: list[str]

    def __init__(self) -> None:
        self.ended = []

    async def end(self, notice: str) -> None:
        self.ended.append(notice)


async def test_caps_per_user_and_in_total_and_places_freed() -> None:
    hub = Hub(max_sessions=3, max_per_user=2)
    ann1, ann2, ann3, bob, anonymous = (Session() for _ in range(5))
    assert hub.admit(ann1, "ann") is None
    assert hub.admit(ann2, "ann") is None
    assert "already have 2 sessions" in (hub.admit(ann3, "ann") or "")
    assert hub.admit(bob, "bob") is None
    assert "full" in (hub.admit(anonymous, None) or "")
    hub.leave(ann1)
    hub.leave(ann1)  # twice is once
    assert hub.admit(ann3, "ann") is None
    assert len(hub) == 3
    await hub.end_all("restarting")
    assert [s.ended for s in (ann2, ann3, bob)] == [["restarting"]] * 3
    assert ann1.ended == []

"""The outbox survives a kill: a server process killed while a webhook is in flight delivers
after a restart, losing nothing; the repeated message carries the same id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credits_server.context import Caller
from credits_server.services import support
from credits_server.services.notifications import targets
from tests.support.live_server import LiveServer
from tests.support.postgres import drop_database, private_database_url
from tests.support.receivers import webhook_receiver
from tests.support.wait import wait_for

FAST = {
    "CREDITS_SERVER_WEBHOOK_ALLOW_HTTP": "true",
    "CREDITS_SERVER_NOTIFY_POLL_SECONDS": "0.05",
}


def test_a_server_killed_mid_delivery_delivers_everything_after_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in FAST.items():  # the test's own view of the database adds the target
        monkeypatch.setenv(name, value)
    database_url = private_database_url("notify")
    server = LiveServer(tmp_path / "server", env=FAST, database_url_override=database_url)
    with webhook_receiver() as hook:
        try:
            server.start()
            server.open_database()
            owner = server.make_owner(with_card=False)
            caller = Caller(owner.user_id, owner.email, "owner", owner.account_id)

            async def add_target(ctx: Any) -> None:
                await targets.add_target(
                    ctx, owner.account_id, "webhook", hook.url, ["support_request.received"]
                )

            async def ask(ctx: Any, n: int) -> str:
                item, _ = await support.create_request(ctx, caller, 100, f"q{n}", owner.email)
                return item.reference

            server.run(add_target)
            hook.mode = "hold"  # the first delivery stays in flight
            references = [server.run(lambda ctx, n=n: ask(ctx, n)) for n in range(3)]
            wait_for(hook.holding.is_set, what="a webhook in flight")
            server.kill()
            hook.mode = "up"
            hook.release()  # its answer goes to a dead process: not recorded as delivered

            server.start()
            hook.wait(4)
        finally:
            server.close_database()
            server.stop()
            if database_url is not None:
                drop_database(database_url)
    bodies = [json.loads(r.body) for r in hook.received]
    ids = [body["id"] for body in bodies]
    assert ids[0] == ids[1]  # the one in flight, sent again with its id
    assert len(set(ids)) == 3
    assert [b["data"]["support_request"]["reference"] for b in bodies[1:]] == references

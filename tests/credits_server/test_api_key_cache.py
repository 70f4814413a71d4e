"""API keys are trusted for a few seconds per process (no read of its own for every debit), and a
key revoked in the database stops working within that time (api_key_cache_seconds, default 5)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from tests.support.engine import make_api_key, post_usage, usage
from tests.support.live_server import LiveServer
from tests.support.wait import wait_for

CACHE_SECONDS = 5.0  # credits_server.settings.Settings.api_key_cache_seconds


def revoke(server: LiveServer, key: str) -> None:
    async def action(ctx: Any) -> None:
        from credits_server.models import ApiKey, utcnow
        from credits_server.security import hash_token

        async with ctx.db.write() as session:
            await session.execute(
                update(ApiKey).where(ApiKey.key_hash == hash_token(key)).values(revoked_at=utcnow())
            )

    server.run(action)


def test_a_revoked_key_stops_debiting_within_the_cache_time(engine_server: LiveServer) -> None:
    key = make_api_key(engine_server)
    owner = engine_server.make_owner(balance=10_000)
    assert post_usage(engine_server, key, usage(owner.account_id, 100)).status_code == 201
    revoke(engine_server, key)
    answers: list[int] = []

    def refused() -> bool:
        answers.append(post_usage(engine_server, key, usage(owner.account_id, 1)).status_code)
        return answers[-1] == 401

    wait_for(refused, within=CACHE_SECONDS + 3, what="the revoked key refused")
    # Until then a debit could still land (at most the cache time); after it, none does.
    accepted = answers.count(201)
    assert set(answers) <= {201, 401}
    assert post_usage(engine_server, key, usage(owner.account_id, 1)).status_code == 401
    assert engine_server.balance(owner.account_id) == 10_000 - 100 - accepted


def test_an_unknown_key_is_refused_every_time(engine_server: LiveServer, api_key: str) -> None:
    owner = engine_server.make_owner(balance=1000)
    for _ in range(3):
        answer = post_usage(engine_server, api_key + "x", usage(owner.account_id, 10))
        assert answer.status_code == 401
    assert post_usage(engine_server, api_key, usage(owner.account_id, 10)).status_code == 201
    assert engine_server.balance(owner.account_id) == 990

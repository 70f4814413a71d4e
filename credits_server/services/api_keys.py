"""Service credentials of the telephony platform: random keys, shown once, kept as SHA-256."""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass

from sqlalchemy import select

from credits_server.context import Context
from credits_server.db import Database
from credits_server.errors import forbidden
from credits_server.ids import new_id
from credits_server.models import ApiKey
from credits_server.security import hash_token, new_token
from credits_server.services.auth import unauthenticated

PREFIX = "ck_"
# What a key may do: "usage" reports usage (the telephony platform); "ssh" lets the SSH gateway
# find a key's owner and open a session for them. A key has one scope.
SCOPES = ("usage", "ssh")


@dataclass(frozen=True, slots=True)
class NewApiKey:
    id: str
    name: str
    key: str
    """The only time the key exists in clear."""


async def create_api_key(ctx: Context, name: str, scope: str = "usage") -> NewApiKey:
    key = PREFIX + new_token()
    async with ctx.db.write() as session:
        row = ApiKey(id=new_id("key"), name=name[:200], key_hash=hash_token(key), scope=scope)
        session.add(row)
    return NewApiKey(row.id, row.name, key)


# Keys this process has checked, by database: key hash -> (trusted until, row). Only valid keys
# are kept (a guessed key costs a read each time, and the cache cannot be filled with junk).
_checked: weakref.WeakKeyDictionary[Database, dict[str, tuple[float, ApiKey]]] = (
    weakref.WeakKeyDictionary()
)
_MAX_CACHED = 1000


async def authenticate_api_key(ctx: Context, key: str, scope: str = "usage") -> ApiKey:
    """The key's row if it has `scope`, read at most once per `api_key_cache_seconds` per
    process, so a debit does not pay a read transaction of its own; a revoked key is refused
    within that time."""
    if not key.startswith(PREFIX):
        raise unauthenticated("Send an API key made with `credits-server create-api-key`.")
    key_hash = hash_token(key)
    cache = _checked.setdefault(ctx.db, {})
    now = time.monotonic()
    cached = cache.get(key_hash)
    if cached is not None and cached[0] > now:
        return _in_scope(cached[1], scope)
    async with ctx.db.read() as session:
        row = (
            await session.execute(select(ApiKey).where(ApiKey.key_hash == key_hash))
        ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        cache.pop(key_hash, None)
        raise unauthenticated("This API key is not known.")
    ttl = ctx.settings.api_key_cache_seconds
    if ttl > 0:
        if len(cache) >= _MAX_CACHED:
            cache.clear()
        cache[key_hash] = (now + ttl, row)
    return _in_scope(row, scope)


def _in_scope(row: ApiKey, scope: str) -> ApiKey:
    if row.scope != scope:
        raise forbidden(f"This API key may not do this (its scope is {row.scope!r}).")
    return row

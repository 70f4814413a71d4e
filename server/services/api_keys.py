"""Service credentials of the telephony platform: random keys, shown once, kept as SHA-256."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from server.context import Context
from server.ids import new_id
from server.models import ApiKey
from server.security import hash_token, new_token
from server.services.auth import unauthenticated

PREFIX = "ck_"


@dataclass(frozen=True, slots=True)
class NewApiKey:
    id: str
    name: str
    key: str
    """The only time the key exists in clear."""


async def create_api_key(ctx: Context, name: str) -> NewApiKey:
    key = PREFIX + new_token()
    async with ctx.db.write() as session:
        row = ApiKey(id=new_id("key"), name=name[:200], key_hash=hash_token(key))
        session.add(row)
    return NewApiKey(row.id, row.name, key)


async def authenticate_api_key(ctx: Context, key: str) -> ApiKey:
    if not key.startswith(PREFIX):
        raise unauthenticated("Send an API key made with `credits-server create-api-key`.")
    async with ctx.db.read() as session:
        row = (
            await session.execute(select(ApiKey).where(ApiKey.key_hash == hash_token(key)))
        ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise unauthenticated("This API key is not known.")
    return row

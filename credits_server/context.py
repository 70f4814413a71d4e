"""What every service function needs: settings, the database and the payment gateway."""

from __future__ import annotations

from dataclasses import dataclass

import credits_server.audit  # noqa: F401  (registers the audit trail's flush hook)
from credits_core.roles import Permission, may
from credits_server.db import Database
from credits_server.gateway.base import PaymentGateway
from credits_server.settings import Settings


@dataclass(frozen=True, slots=True)
class Caller:
    """The signed-in user a request acts for; every query is scoped to `account_id`."""

    user_id: str
    email: str
    role: str
    account_id: str
    session_id: str = ""
    """The session the request came with ("" when not signed in by a session)."""

    def may(self, permission: Permission) -> bool:
        return may(self.role, permission)


@dataclass(frozen=True, slots=True)
class Context:
    settings: Settings
    db: Database
    gateway: PaymentGateway


def make_context(settings: Settings) -> Context:
    from credits_server.gateway.registry import plugin

    make_gateway = plugin(settings.gateway).make
    db = Database(
        settings.resolved_database_url(), busy_timeout_ms=settings.database_busy_timeout_ms
    )
    return Context(settings=settings, db=db, gateway=make_gateway(settings, db))

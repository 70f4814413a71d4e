"""Payment gateways by name (`Settings.gateway`). Each gateway's folder contributes a
`GatewayPlugin`: how to make it, and the routes it serves on the credits server, if any.
Importing this module also adds every gateway's own tables to the shared metadata."""

from __future__ import annotations

from sqlalchemy import MetaData

from credits_server.gateway import events, sandbox, stripe
from credits_server.gateway.base import GatewayPlugin
from credits_server.models import Base

GATEWAYS: dict[str, GatewayPlugin] = {"sandbox": sandbox.PLUGIN, "stripe": stripe.PLUGIN}


def plugin(name: str) -> GatewayPlugin:
    try:
        return GATEWAYS[name]
    except KeyError:
        raise ValueError(f"unknown payment gateway {name!r}") from None


def schema() -> MetaData:
    """Every table the migrations build: the shared models', each gateway's own, and the
    gateway events already processed."""
    assert events.ProcessedGatewayEvent.metadata is Base.metadata
    return Base.metadata

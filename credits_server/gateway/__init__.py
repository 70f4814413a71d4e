"""Payment gateways: the protocol the services charge through, and the registry of gateways by
name (`registry`), each in its own folder with its routes and tables (`sandbox/`)."""

from credits_server.gateway.base import CardRefused, ChargeResult, PaymentGateway, SavedCard

__all__ = ["CardRefused", "ChargeResult", "PaymentGateway", "SavedCard"]

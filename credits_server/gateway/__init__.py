"""Payment gateways: the protocol the services charge through, and the offline sandbox."""

from credits_server.gateway.base import CardRefused, ChargeResult, PaymentGateway, SavedCard

__all__ = ["CardRefused", "ChargeResult", "PaymentGateway", "SavedCard"]

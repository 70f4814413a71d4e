"""The HTTP API: `create_app(settings)` and one router module per area."""

from credits_server.api.app import create_app

__all__ = ["create_app"]

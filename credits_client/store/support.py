"""Support requests: asking for a top-up larger than a card may pay."""

from __future__ import annotations

from typing import TYPE_CHECKING

from credits_client.store.attempts import attempt_for, until_known

if TYPE_CHECKING:
    from credits_client.api.client import CreditsClient
    from credits_client.api.models import SupportRequest
    from credits_client.store.attempts import PendingAttempts
    from credits_client.store.holder import StateHolder
    from credits_client.store.link import Link


class SupportRequests:
    """Files requests, each once, and keeps the list in the state newest first."""

    def __init__(
        self,
        client: CreditsClient,
        holder: StateHolder,
        link: Link,
        *,
        attempts: PendingAttempts,
    ) -> None:
        self._client = client
        self._holder = holder
        self._link = link
        self._attempts = attempts

    async def request(self, amount: int, message: str, contact: str) -> SupportRequest:
        """File a request. As for a top-up, one idempotency key per request until its outcome is
        known: sending it again after a lost answer (ServerUnreachable) files nothing new."""
        attempts = self._attempts
        pending = attempts.support = attempt_for(attempts.support, (amount, message, contact))
        with self._holder.busy("support"):
            request = await until_known(
                self._link.net(
                    self._client.create_support_request(
                        amount, message, contact, idempotency_key=pending.key
                    )
                ),
                attempts.forget_support,
            )
            self._holder.set(support_requests=(request, *self._holder.state.support_requests))
        return request

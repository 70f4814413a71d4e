"""The SSH gateway's side of the credits service (`credits-tui serve-ssh`): with its own API key
(scope "ssh") it asks whether a presented public key belongs to a user, and gets a session for
that user once the client has proved it holds the key. The token never leaves memory and the
pipe that hands it to the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import SecretStr

from credits_client.api.client import CreditsClient, ssl_verify
from credits_client.api.errors import ApiError
from credits_client.session_file import RememberedSession

if TYPE_CHECKING:
    from credits_client.config import Settings

# Any well-formed key nobody registers: asked at start, it proves the gateway's API key works.
PROBE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


class GatewayKeyRefused(RuntimeError):
    """The credits service refused the gateway's API key; the message says what to do."""


class SshGateway:
    def __init__(self, client: CreditsClient, server_key: str) -> None:
        self._client = client
        self._server_key = server_key

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        api_key: SecretStr,
        *,
        server_key: str,
        base_url: str | None = None,
        uds: str | None = None,
    ) -> SshGateway:
        url = base_url if base_url is not None else settings.api_url
        tls = uds is None and url.startswith("https://")
        client = CreditsClient(
            url,
            uds=uds,
            timeout=settings.timeout,
            verify=ssl_verify(settings.verify, settings.ca_bundle) if tls else False,
        )
        client.set_token(api_key)
        return cls(client, server_key)

    async def check(self) -> None:
        """Raise GatewayKeyRefused unless the service accepts this gateway's key."""
        try:
            await self._client.ssh_key_known(PROBE_KEY)
        except ApiError as error:
            if error.status in (401, 403):
                raise GatewayKeyRefused(
                    f"the credits service refused the gateway's API key ({error.message}). Make "
                    "one with `credits-server create-api-key --name ssh-gateway --scope ssh`."
                ) from None
            raise

    async def known(self, public_key: str) -> bool:
        """Whether some user registered `public_key` (OpenSSH one-line form)."""
        try:
            return await self._client.ssh_key_known(public_key)
        except ApiError:
            return False  # a key the service cannot read is nobody's

    async def session_for(self, public_key: str) -> RememberedSession | None:
        """A new session for the key's user; None if nobody registered it (any more)."""
        try:
            session = await self._client.ssh_session(public_key)
        except ApiError as error:
            if error.status in (404, 422):
                return None
            raise
        return RememberedSession(
            server=self._server_key,
            token=SecretStr(session.token.get_secret_value()),
            expires_at=session.expires_at,
            user=session.user,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

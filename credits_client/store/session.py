"""Signing in and out, and the remembered session: resumed at start, saved when asked for,
forgotten on sign-out or when the server no longer knows it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from credits_client.api.errors import ApiError, ServerUnreachable, SessionExpired
from credits_client.session_file import RememberedSession

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from credits_client.api.client import CreditsClient
    from credits_client.api.models import Session as ApiSession
    from credits_client.config import Settings
    from credits_client.session_file import SessionFile
    from credits_client.store.attempts import PendingAttempts
    from credits_client.store.holder import StateHolder
    from credits_client.store.link import Link
    from credits_client.store.live import LiveUpdates
    from credits_client.store.reads import Reads


EMBEDDED_SERVER_KEY = "embedded"
"""The prefix of the key of a session made on the embedded server (its socket path varies)."""


def session_key(settings: Settings) -> str:
    """What a remembered session is filed under: the configured server's URL, or for the embedded
    server its data directory, resolved: two data directories are two servers with two databases,
    and a token of one means nothing to the other."""
    if settings.api_url:
        return settings.api_url
    from credits_client.embedded import data_dir  # deferred: only the embedded server needs it

    database_dir = (settings.data_dir or data_dir()).expanduser().resolve()
    return f"{EMBEDDED_SERVER_KEY}:{database_dir}"


@dataclass(frozen=True, slots=True)
class ForgottenSession:
    """What `forget_remembered_session` did (for `credits-tui logout` to say)."""

    file_removed: bool
    """A remembered-session file was there and is gone."""
    expires_at: datetime | None
    """When the remembered token expires (None: no usable session remembered for this server)."""
    not_revoked: str | None
    """Why the server could not revoke the token (None: revoked, or nothing to revoke)."""


class Session:
    """Who is signed in, and the token the client sends for them."""

    def __init__(
        self,
        client: CreditsClient,
        holder: StateHolder,
        link: Link,
        *,
        reads: Reads,
        live: LiveUpdates,
        attempts: PendingAttempts,
        server_key: str,
        session_file: SessionFile,
        connect_timeout: float,
    ) -> None:
        self._client = client
        self._holder = holder
        self._link = link
        self._reads = reads
        self._live = live
        self._attempts = attempts
        self._server_key = server_key
        self._session_file = session_file
        self._connect_timeout = connect_timeout

    async def connect(self) -> None:
        """Wait for the server (it may still be starting), then resume a remembered session.

        Never raises ServerUnreachable: after `connect_timeout` (0: the client's own retries
        only) the state says "offline" and a background probe keeps trying, switching to
        "online" when the server answers.
        """
        holder = self._holder
        with holder.busy("connect"):
            holder.set(connection="connecting")
            try:
                info = await self._link.wait_for_server(self._connect_timeout)
            except ServerUnreachable:
                self._link.went_offline()
                return
            holder.set(server=info, connection="online")
            await self._resume()

    async def _resume(self) -> None:
        remembered = self._session_file.load(self._server_key)
        if remembered is None or self._holder.state.user is not None:
            return
        self._client.set_token(remembered.token)
        self._holder.set(user=remembered.user, session_expired=False)
        try:
            await self._reads.refresh()
        except SessionExpired:
            self._session_file.forget()
            self._client.set_token(None)
            self._holder.set(**self._holder.signed_out())
            return
        except ServerUnreachable:
            pass
        self._live.start()

    async def login(self, email: str, password: str, *, remember: bool) -> None:
        """Sign in. After a session expired, the same account keeps everything (drafts included)."""
        await self._sign_in(self._client.login(email, password), remember=remember)

    async def accept_invitation(
        self, code: str, email: str, password: str, *, remember: bool
    ) -> None:
        """Join the invitation's account as a new user, and be signed in as them."""
        await self._sign_in(
            self._client.accept_invitation(code, email, password), remember=remember
        )

    async def _sign_in(self, signing_in: Awaitable[ApiSession], *, remember: bool) -> None:
        holder = self._holder
        with holder.busy("login"):
            session: ApiSession = await self._link.net(signing_in)
            previous = holder.state.user
            self._client.set_token(session.token)
            if previous is not None and previous.account_id == session.user.account_id:
                holder.set(user=session.user, session_expired=False)
            else:
                self._live.stop()
                self._attempts.forget_all()
                holder.set(**{**holder.signed_out(), "user": session.user})
            if remember:
                self._session_file.save(
                    RememberedSession(
                        self._server_key, session.token, session.expires_at, session.user
                    )
                )
            else:
                self._session_file.forget()
        with contextlib.suppress(ServerUnreachable):
            await self._live.stream_then_refresh()
        self._live.start()  # already running, unless the server could not be reached

    async def logout(self) -> None:
        """Sign out here and on the server (best effort) and forget any remembered session."""
        with self._holder.busy("logout"):
            self._live.stop()
            if self._client.has_token:
                with contextlib.suppress(ApiError, ServerUnreachable):
                    await self._client.logout()
            self._client.set_token(None)
            self._session_file.forget()
            self._attempts.forget_all()
            self._holder.set(**self._holder.signed_out())

    def lost(self) -> None:
        """The server no longer knows the token. Everything is kept (the draft above all); the
        sign-in screen asks for the password again."""
        self._session_file.forget()
        self._live.stop()
        self._holder.set(session_expired=True)

    async def forget_remembered_session(self, *, server_wait: float = 0.0) -> ForgottenSession:
        """For `credits-tui logout`, with nobody signed in: revoke the remembered session's token
        on the server, then remove the file, which goes even when the server cannot be reached.

        `server_wait`: seconds to wait for a server that is still starting (the embedded one).
        """
        remembered = self._session_file.load(self._server_key)
        not_revoked = None
        if remembered is not None:
            self._client.set_token(remembered.token)
            try:
                if server_wait:
                    await self._link.wait_for_server(server_wait)
                await self._client.logout()
            except SessionExpired:
                pass  # the server no longer knows the token: nothing left to revoke
            except (ApiError, ServerUnreachable) as error:
                not_revoked = str(error)
            finally:
                self._client.set_token(None)
        removed = self._session_file.forget()
        expires_at = remembered.expires_at if remembered is not None else None
        return ForgottenSession(removed, expires_at, not_revoked)

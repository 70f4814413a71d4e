"""The account's team (owners): members, roles and invitations; and one's own sessions.

Not part of the account state: only the Team and Sessions screens show them, and they ask afresh
each time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from credits_client.api.client import CreditsClient
from credits_client.api.models import Member, NewInvitation, Role, SignedIn, Team

Net = Callable[[Awaitable[Any]], Awaitable[Any]]


class TeamMembers:
    """Calls through the store's `net`, so connection state and session expiry stay true."""

    def __init__(self, client: CreditsClient, net: Net) -> None:
        self._client = client
        self._net = net

    async def get(self) -> Team:
        team: Team = await self._net(self._client.team())
        return team

    async def invite(self, email: str, role: Role) -> NewInvitation:
        made: NewInvitation = await self._net(self._client.invite(email, role))
        return made

    async def revoke_invitation(self, invitation_id: str) -> None:
        await self._net(self._client.revoke_invitation(invitation_id))

    async def change_role(self, user_id: str, role: Role) -> Member:
        changed: Member = await self._net(self._client.change_role(user_id, role))
        return changed

    async def remove(self, user_id: str) -> None:
        await self._net(self._client.remove_member(user_id))


class SignedInSessions:
    """Where the signed-in person is signed in; any of them can be signed out."""

    def __init__(self, client: CreditsClient, net: Net) -> None:
        self._client = client
        self._net = net

    async def list(self) -> list[SignedIn]:
        page = await self._net(self._client.sessions())
        return list(page.data)

    async def end(self, session_id: str) -> None:
        await self._net(self._client.end_session(session_id))

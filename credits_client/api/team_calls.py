"""The endpoints of the team, invitations and one's own sessions, mixed into CreditsClient."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import httpx
from pydantic import BaseModel

from credits_client.api.models import (
    Member,
    NewInvitation,
    Page,
    Role,
    Session,
    SignedIn,
    Team,
    User,
)

M = TypeVar("M", bound=BaseModel)


class TeamCalls:
    """Calls through the client's `_call`, so retries, errors and the token work the same."""

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        raise NotImplementedError

    @staticmethod
    def _parse(model: type[M], response: httpx.Response) -> M:
        return model.model_validate_json(response.content)

    async def me(self) -> User:
        """The signed-in user as the server knows them now (their role may have changed)."""
        return self._parse(User, await self._call("GET", "/v1/me"))

    async def team(self) -> Team:
        return self._parse(Team, await self._call("GET", "/v1/team"))

    async def invite(self, email: str, role: Role) -> NewInvitation:
        body = {"email": email, "role": role}
        response = await self._call("POST", "/v1/team/invitations", json=body)
        return self._parse(NewInvitation, response)

    async def revoke_invitation(self, invitation_id: str) -> None:
        await self._call("DELETE", f"/v1/team/invitations/{invitation_id}")

    async def change_role(self, user_id: str, role: Role) -> Member:
        response = await self._call("PUT", f"/v1/team/members/{user_id}/role", json={"role": role})
        return self._parse(Member, response)

    async def remove_member(self, user_id: str) -> None:
        await self._call("DELETE", f"/v1/team/members/{user_id}")

    async def accept_invitation(self, code: str, email: str, password: str) -> Session:
        """Join the invitation's account as a new user: the answer is their session."""
        body = {"code": code, "email": email, "password": password}
        return self._parse(Session, await self._call("POST", "/v1/invitations/accept", json=body))

    async def sessions(self) -> Page[SignedIn]:
        return self._parse(Page[SignedIn], await self._call("GET", "/v1/sessions"))

    async def end_session(self, session_id: str) -> None:
        await self._call("DELETE", f"/v1/sessions/{session_id}")

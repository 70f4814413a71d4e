"""The account's team (owners): members and roles, invitations; and accepting an invitation."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, SecretStr

from credits_server.api.deps import ContextDep, TeamDep, request_origin
from credits_server.api.openapi import PROBLEM_REF
from credits_server.models import Invitation, User
from credits_server.representations import user_out
from credits_server.schemas import SessionOut, Strict
from credits_server.services import team
from credits_server.services.team import INVITATION_PAGE

router = APIRouter(tags=["team"])

RoleName = Literal["owner", "billing", "viewer"]
Emailed = Literal["queued", "sent", "failed"]
# What a scanned invitation link opens: the code (after "#", read by the page itself) and how to
# use it. Static, so it shows nothing of any account.
_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>Credits invitation</title>
<h1>You are invited to a Credits account</h1>
<p>In credits-tui, on the sign-in screen, press <b>ctrl+n</b> (I have an invitation) and type
this code with your email and a new password:</p>
<p style="font: bold 1.6em monospace" id="code"></p>
<script>document.getElementById("code").textContent = location.hash.slice(1);</script>
</html>
"""


class MemberOut(BaseModel):
    id: str
    email: str
    role: RoleName
    created_at: datetime


class InvitationOut(BaseModel):
    id: str
    email: str
    role: RoleName
    created_at: datetime
    expires_at: datetime
    emailed: Emailed | None = None
    """Where the email with the code is: queued, sent or failed; null when the server sends no
    email (the owner passes the code on)."""


class NewInvitationOut(InvitationOut):
    code: str
    """The one-time code, shown only in this answer (the server keeps its hash)."""
    link: str
    """The invitation page with the code after "#" (what the QR code holds)."""


class TeamOut(BaseModel):
    members: list[MemberOut]
    invitations: list[InvitationOut]
    """Pending invitations: neither accepted nor expired."""


class InviteBody(BaseModel):
    model_config = Strict
    email: str = Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    role: RoleName


class RoleBody(BaseModel):
    model_config = Strict
    role: RoleName


class AcceptBody(BaseModel):
    model_config = Strict
    code: str = Field(min_length=1, max_length=64)
    email: str = Field(max_length=320)
    password: SecretStr = Field(min_length=8, max_length=1024)


def _member(user: User) -> MemberOut:
    return MemberOut.model_validate(
        {"id": user.id, "email": user.email, "role": user.role, "created_at": user.created_at}
    )


def _invitation(row: Invitation, emailed: str | None) -> dict[str, object]:
    return {
        "id": row.id,
        "email": row.email,
        "role": row.role,
        "created_at": row.created_at,
        "expires_at": row.expires_at,
        "emailed": emailed,
    }


_TOO_MANY_CODES = {
    "description": "`too_many_attempts`: too many wrong codes from this client address lately",
    "content": {"application/problem+json": {"schema": PROBLEM_REF}},
    "headers": {
        "Retry-After": {
            "description": "Seconds until a code may be tried again",
            "schema": {"type": "integer"},
        }
    },
}


@router.get("/v1/team", response_model=TeamOut)
async def get_team(ctx: ContextDep, owner: TeamDep) -> TeamOut:
    found = await team.get_team(ctx, owner.account_id)
    return TeamOut(
        members=[_member(user) for user in found.members],
        invitations=[
            InvitationOut.model_validate(_invitation(i, found.emails.get(i.id)))
            for i in found.invitations
        ],
    )


@router.post("/v1/team/invitations", status_code=201, response_model=NewInvitationOut)
async def invite(
    ctx: ContextDep, owner: TeamDep, request: Request, body: InviteBody
) -> NewInvitationOut:
    new = await team.invite(ctx, owner, body.email, body.role)
    # The code after "#": a browser never sends it, so no server or proxy log ever holds it.
    base = (ctx.settings.public_url or str(request.base_url)).rstrip("/")
    link = f"{base}{INVITATION_PAGE}#{new.code}"
    return NewInvitationOut.model_validate(
        {**_invitation(new.invitation, new.emailed), "code": new.code, "link": link}
    )


@router.delete("/v1/team/invitations/{invitation_id}", status_code=204)
async def revoke_invitation(ctx: ContextDep, owner: TeamDep, invitation_id: str) -> Response:
    await team.revoke_invitation(ctx, owner, invitation_id)
    return Response(status_code=204)


@router.put("/v1/team/members/{user_id}/role", response_model=MemberOut)
async def change_role(ctx: ContextDep, owner: TeamDep, user_id: str, body: RoleBody) -> MemberOut:
    return _member(await team.change_role(ctx, owner, user_id, body.role))


@router.delete("/v1/team/members/{user_id}", status_code=204)
async def remove_member(ctx: ContextDep, owner: TeamDep, user_id: str) -> Response:
    await team.remove_member(ctx, owner, user_id)
    return Response(status_code=204)


@router.post(
    "/v1/invitations/accept",
    status_code=201,
    response_model=SessionOut,
    responses={429: _TOO_MANY_CODES},
)
async def accept(ctx: ContextDep, request: Request, body: AcceptBody) -> SessionOut:
    """Join the invitation's account as a new user, and be signed in."""
    client, agent = request_origin(request, ctx)
    new = await team.accept(
        ctx, body.code, body.email, body.password.get_secret_value(), client, agent
    )
    return SessionOut(token=new.token, expires_at=new.expires_at, user=user_out(new.user))


@router.get(INVITATION_PAGE, response_class=HTMLResponse)
async def invitation_page() -> HTMLResponse:
    """The page an invitation link opens; the code stays in the link's fragment."""
    return HTMLResponse(_PAGE, headers={"Cache-Control": "no-store"})

"""An account's team: its members and their roles, and invitations to join it.

An invitation's code is shown once, to the owner who made it; only its hash is stored. It is used
once, by the email it names, before it expires. An account always keeps an owner: the last one can
be neither removed nor made something else.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from credits_core.roles import ROLES, Role
from credits_server.context import Caller, Context
from credits_server.errors import Conflict, FieldProblem, Invalid, NotFound, not_found
from credits_server.ids import new_id
from credits_server.models import Account, Invitation, SessionToken, SshKey, User, utcnow
from credits_server.security import hash_password, hash_token, normalise_email
from credits_server.services.accounts import create_user
from credits_server.services.auth import NewSession, issue_session

INVITATION_TTL = timedelta(days=7)
# Letters and digits a person reads aloud without confusion (no 0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 16  # 16 of 31 symbols: 79 bits, used once and within days


@dataclass(frozen=True, slots=True)
class Team:
    members: list[User]
    invitations: list[Invitation]
    """Pending: neither accepted nor expired."""


@dataclass(frozen=True, slots=True)
class NewInvitation:
    invitation: Invitation
    code: str
    """Shown once; the server keeps only its hash."""


def _check_role(role: str) -> Role:
    if role not in ROLES:
        names = ", ".join(ROLES)
        raise Invalid(
            "validation_error",
            f"The role must be one of {names}.",
            [FieldProblem("role", "invalid_role", f"One of {names}.")],
        )
    return Role(role)


def new_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def code_hash(code: str) -> str:
    """The code as typed, case, spaces and dashes aside."""
    return hash_token("".join(ch for ch in code.upper() if ch.isalnum()))


async def send_invitation(ctx: Context, invitation: Invitation, code: str) -> None:
    """Hook for the notifications part: send `code` to `invitation.email`. Until email is set
    up it sends nothing and the owner passes the code on (shown as text and a QR code)."""


async def get_team(ctx: Context, account_id: str) -> Team:
    async with ctx.db.read() as session:
        members = (
            await session.execute(
                select(User).where(User.account_id == account_id).order_by(User.created_at)
            )
        ).scalars()
        invitations = (
            await session.execute(
                select(Invitation)
                .where(
                    Invitation.account_id == account_id,
                    Invitation.accepted_at.is_(None),
                    Invitation.expires_at > utcnow(),
                )
                .order_by(Invitation.created_at)
            )
        ).scalars()
        return Team(list(members), list(invitations))


async def invite(ctx: Context, owner: Caller, email: str, role: str) -> NewInvitation:
    wanted = _check_role(role)
    address = normalise_email(email)
    if "@" not in address:
        raise Invalid(
            "validation_error",
            "Enter the email address of the person to invite.",
            [FieldProblem("email", "invalid_email", "An email address.")],
        )
    code = new_code()
    async with ctx.db.write() as session:
        taken = await session.execute(select(User.id).where(User.email == address))
        if taken.first() is not None:
            raise Conflict("already_a_user", "Someone with this email already uses Credits.")
        invitation = Invitation(
            id=new_id("inv"),
            account_id=owner.account_id,
            email=address,
            role=wanted.value,
            code_hash=code_hash(code),
            invited_by=owner.user_id,
            expires_at=utcnow() + INVITATION_TTL,
        )
        session.add(invitation)
    await send_invitation(ctx, invitation, code)
    return NewInvitation(invitation, code)


async def revoke_invitation(ctx: Context, owner: Caller, invitation_id: str) -> None:
    async with ctx.db.write() as session:
        gone = await session.execute(
            delete(Invitation).where(
                Invitation.id == invitation_id,
                Invitation.account_id == owner.account_id,
                Invitation.accepted_at.is_(None),
            )
        )
        if getattr(gone, "rowcount", 0) == 0:
            raise not_found("invitation")


async def _member(session: AsyncSession, account_id: str, user_id: str) -> User:
    # The account row locked first: two owners demoting each other cannot both pass the check.
    await session.execute(select(Account.id).where(Account.id == account_id).with_for_update())
    user = await session.get(User, user_id)
    if user is None or user.account_id != account_id:
        raise not_found("member")
    return user


async def _keep_an_owner(session: AsyncSession, user: User) -> None:
    owners = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.account_id == user.account_id, User.role == Role.OWNER, User.id != user.id)
    )
    if user.role == Role.OWNER and not owners:
        raise Conflict(
            "last_owner",
            "The account's last owner cannot be removed or given another role: make someone "
            "else an owner first.",
        )


async def change_role(ctx: Context, owner: Caller, user_id: str, role: str) -> User:
    wanted = _check_role(role)
    async with ctx.db.write() as session:
        user = await _member(session, owner.account_id, user_id)
        if wanted != Role.OWNER:
            await _keep_an_owner(session, user)
        user.role = wanted.value
        return user


async def remove_member(ctx: Context, owner: Caller, user_id: str) -> None:
    """The member is gone with their sessions and SSH keys: they can no longer sign in."""
    async with ctx.db.write() as session:
        user = await _member(session, owner.account_id, user_id)
        await _keep_an_owner(session, user)
        await session.execute(delete(SessionToken).where(SessionToken.user_id == user.id))
        await session.execute(delete(SshKey).where(SshKey.user_id == user.id))
        await session.delete(user)


async def accept(
    ctx: Context, code: str, email: str, password: str, client: str, user_agent: str
) -> NewSession:
    """A new user on the invitation's account with its role, signed in. A wrong code, another
    email or an expired or used invitation all get the same answer."""
    password_hash = await anyio.to_thread.run_sync(hash_password, password)
    address = normalise_email(email)
    async with ctx.db.write() as session:
        invitation = (
            await session.execute(
                select(Invitation).where(Invitation.code_hash == code_hash(code)).with_for_update()
            )
        ).scalar_one_or_none()
        if invitation is None or not _usable(invitation, address, utcnow()):
            raise NotFound(
                "invalid_invitation",
                "This invitation code is not valid for this email (wrong, used or expired).",
            )
        invitation.accepted_at = utcnow()
        user = await create_user(
            session, invitation.account_id, address, password_hash, invitation.role
        )
    return await issue_session(ctx, user, client, user_agent)


def _usable(invitation: Invitation, address: str, now: datetime) -> bool:
    return (
        invitation.accepted_at is None
        and invitation.expires_at > now
        and secrets.compare_digest(invitation.email.encode(), address.encode())
    )

"""An account's team: its members and their roles, and invitations to join it.

An invitation's code is shown once, to the owner who made it; only its hash is stored. When the
server sends email, the code is also emailed to the invitee: an outbox message written with the
invitation, which holds the code only until it is delivered, given up or no longer wanted
(services/notifications/direct.py). It is used once, by the email it names, before it expires;
wrong codes are throttled like sign-ins (services/throttle.py) and cost no password hashing. An
account always keeps an owner: the last one can be neither removed nor made something else.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from credits_core.notifications import INVITATION
from credits_core.roles import ROLES, Role
from credits_server.context import Caller, Context
from credits_server.errors import Conflict, FieldProblem, Invalid, NotFound, not_found
from credits_server.ids import new_id
from credits_server.models import Account, Invitation, SessionToken, SshKey, User, utcnow
from credits_server.security import hash_password, hash_token, normalise_email
from credits_server.services import throttle
from credits_server.services.accounts import create_user
from credits_server.services.auth import NewSession, issue_session
from credits_server.services.notifications import direct

INVITATION_TTL = timedelta(days=7)
INVITATION_PAGE = "/invitation"
"""The page an invitation link opens, the code after its "#"."""
# Letters and digits a person reads aloud without confusion (no 0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 16  # 16 of 31 symbols: 79 bits, used once and within days


@dataclass(frozen=True, slots=True)
class Team:
    members: list[User]
    invitations: list[Invitation]
    """Pending: neither accepted nor expired."""
    emails: dict[str, direct.Sent]
    """Where each pending invitation's email is, by invitation id (none: not emailed)."""


@dataclass(frozen=True, slots=True)
class NewInvitation:
    invitation: Invitation
    code: str
    """Shown once; the server keeps only its hash."""
    emailed: direct.Sent | None
    """"queued" when the code is emailed to the invitee too; None when the server sends no email
    (the owner passes the code on)."""


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


def _email_data(ctx: Context, owner: Caller, invitation: Invitation) -> dict[str, str]:
    """What the invitation email says, but the code (the message's secret)."""
    base = ctx.settings.public_url.rstrip("/")
    return {
        "invitation_id": invitation.id,
        "email": invitation.email,
        "role": invitation.role,
        "invited_by": owner.email,
        "expires": invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
        "page": f"{base}{INVITATION_PAGE}" if base else "",
    }


async def get_team(ctx: Context, account_id: str) -> Team:
    async with ctx.db.read() as session:
        members = (
            await session.execute(
                select(User).where(User.account_id == account_id).order_by(User.created_at)
            )
        ).scalars()
        invitations = list(
            (
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
        )
        sent = await direct.states(session, [i.message_id for i in invitations if i.message_id])
        emails = {i.id: sent[i.message_id] for i in invitations if i.message_id}
        return Team(list(members), invitations, emails)


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
    now = utcnow()
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
            created_at=now,
            expires_at=now + INVITATION_TTL,
        )
        invitation.message_id = await direct.queue(
            session,
            ctx.settings,
            owner.account_id,
            address,
            INVITATION,
            _email_data(ctx, owner, invitation),
            code,
            invitation.expires_at,
            now,
        )
        session.add(invitation)
    return NewInvitation(invitation, code, "queued" if invitation.message_id else None)


async def revoke_invitation(ctx: Context, owner: Caller, invitation_id: str) -> None:
    """The invitation is gone, and its email too if it is still waiting."""
    async with ctx.db.write() as session:
        message_id = await session.scalar(
            select(Invitation.message_id).where(
                Invitation.id == invitation_id,
                Invitation.account_id == owner.account_id,
                Invitation.accepted_at.is_(None),
            )
        )
        gone = await session.execute(
            delete(Invitation).where(
                Invitation.id == invitation_id,
                Invitation.account_id == owner.account_id,
                Invitation.accepted_at.is_(None),
            )
        )
        if getattr(gone, "rowcount", 0) == 0:
            raise not_found("invitation")
        if message_id is not None:
            await direct.drop(session, message_id, utcnow())


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
    email or an expired or used invitation all get the same answer, and count as a failed try
    of this email from this client address (throttled as sign-ins are)."""
    address = normalise_email(email)
    keys = throttle.keys("invitation:", address, client)
    now = utcnow()
    await throttle.check(ctx, keys, now, "invitation codes tried")
    # The code is checked before the password is hashed: a wrong guess costs no argon2 work.
    # The write checks again (a concurrent accept).
    async with ctx.db.read() as session:
        usable = await _usable_invitation(session, code, address, lock=False)
    if usable is None:
        await throttle.failed(ctx, keys, now)
        raise _invalid_invitation()
    password_hash = await anyio.to_thread.run_sync(hash_password, password)
    async with ctx.db.write() as session:
        invitation = await _usable_invitation(session, code, address, lock=True)
        if invitation is None:
            raise _invalid_invitation()
        invitation.accepted_at = utcnow()
        if invitation.message_id is not None:
            await direct.drop(session, invitation.message_id, invitation.accepted_at)
        user = await create_user(
            session, invitation.account_id, address, password_hash, invitation.role
        )
    await throttle.succeeded(ctx, keys)
    return await issue_session(ctx, user, client, user_agent)


def _invalid_invitation() -> NotFound:
    return NotFound(
        "invalid_invitation",
        "This invitation code is not valid for this email (wrong, used or expired).",
    )


async def _usable_invitation(
    session: AsyncSession, code: str, address: str, *, lock: bool
) -> Invitation | None:
    query = select(Invitation).where(Invitation.code_hash == code_hash(code))
    found = (await session.execute(query.with_for_update() if lock else query)).scalar_one_or_none()
    return found if found is not None and _usable(found, address, utcnow()) else None


def _usable(invitation: Invitation, address: str, now: datetime) -> bool:
    return (
        invitation.accepted_at is None
        and invitation.expires_at > now
        and secrets.compare_digest(invitation.email.encode(), address.encode())
    )

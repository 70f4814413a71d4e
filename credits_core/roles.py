"""Who may do what: the one table of roles and the operations each may carry out.

The server enforces it on every request; the app reads the same table to show what a role cannot
do as disabled, with the reason, before anyone fills in a form.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Role(StrEnum):
    OWNER = "owner"
    """Everything, the team included."""
    BILLING = "billing"
    """Pays, changes auto-recharge and notifications."""
    VIEWER = "viewer"
    """Sees the balance, history and receipts."""


class Permission(StrEnum):
    READ = "read"
    """The balance, history, receipts, cards on file, settings, support requests."""
    PAY = "pay"
    """Top up, add, remove or choose a card."""
    AUTO_RECHARGE = "auto_recharge"
    """Change auto-recharge."""
    NOTIFICATIONS = "notifications"
    """Change who is told what, and how."""
    SUPPORT = "support"
    """Ask the people who run the service for help."""
    TEAM = "team"
    """Invite people, change their roles, remove them."""
    SELF = "self"
    """One's own SSH keys and sessions."""


ROLES: Final = tuple(Role)

# Role names of before billing and viewer, read as today's: a member could read everything and
# change nothing, as a viewer may (the server's own rows were moved the same way).
FORMER_ROLES: Final[dict[str, Role]] = {"member": Role.VIEWER}

ROLE_TEXT: Final[dict[Role, str]] = {
    Role.OWNER: "everything, the team included",
    Role.BILLING: "pays, changes auto-recharge and notifications",
    Role.VIEWER: "sees the balance, history and receipts",
}
"""What each role may do, in words (the Team screen, the invitation email)."""

_EVERYONE = frozenset({Permission.READ, Permission.SUPPORT, Permission.SELF})
_BILLING = _EVERYONE | {Permission.PAY, Permission.AUTO_RECHARGE, Permission.NOTIFICATIONS}

PERMISSIONS: Final[dict[Role, frozenset[Permission]]] = {
    Role.OWNER: frozenset(Permission),
    Role.BILLING: _BILLING,
    Role.VIEWER: _EVERYONE,
}

# What the refusal says the role cannot do ("Your role (viewer) cannot pay: ask an owner.").
_VERBS: Final[dict[Permission, str]] = {
    Permission.READ: "see this account",
    Permission.PAY: "pay",
    Permission.AUTO_RECHARGE: "change auto-recharge",
    Permission.NOTIFICATIONS: "change notifications",
    Permission.SUPPORT: "ask for support",
    Permission.TEAM: "manage the team",
    Permission.SELF: "manage its own sign-ins",
}


def may(role: str, permission: Permission) -> bool:
    """Whether `role` may carry out `permission`; an unknown role may do nothing."""
    try:
        return permission in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def refusal(role: str, permission: Permission) -> str:
    """One line for a person whose role may not do this, naming who can."""
    return f"Your role ({role}) cannot {_VERBS[permission]}: ask an owner."

"""Which screens need a permission of the role table (credits_core.roles): the dashboard shows
their keys disabled, with the reason, and the app refuses to open them instead of failing after a
filled-in form."""

from __future__ import annotations

from credits_client.state import AccountState
from credits_core.roles import Permission

SCREEN_NEEDS: dict[str, Permission] = {
    "add_credits": Permission.PAY,
    "auto_recharge": Permission.AUTO_RECHARGE,
    "team": Permission.TEAM,
    "activity": Permission.TEAM,  # the audit trail: the server shows it to owners only
}


def screen_refusal(state: AccountState, name: str) -> str | None:
    """Why the signed-in user may not open screen `name`; None when they may."""
    needed = SCREEN_NEEDS.get(name)
    return None if needed is None else state.refusal(needed)


def role_line(state: AccountState) -> str:
    """What the user's role cannot do on the dashboard, in one line ("" for an owner)."""
    refused = [state.refusal(p) for p in (Permission.PAY, Permission.AUTO_RECHARGE)]
    if not any(refused):
        return ""
    return next(r for r in refused if r)

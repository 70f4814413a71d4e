"""What each name of `CreditsApp.SCREENS` opens: a fresh screen, its module imported on first use.

Start-up imports only the sign-in screen: the account screens bring pydantic and more (about
0.35 s) that would delay its first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen


def dashboard() -> Screen[Any]:
    from screens.dashboard import DashboardScreen

    return DashboardScreen()


def add_credits() -> Screen[Any]:
    from screens.add_credits import AddCreditsScreen

    return AddCreditsScreen()


def auto_recharge() -> Screen[Any]:
    from screens.auto_recharge import AutoRechargeScreen

    return AutoRechargeScreen()


def transactions() -> Screen[Any]:
    from screens.transactions import TransactionsScreen

    return TransactionsScreen()


def support() -> Screen[Any]:
    from screens.support import SupportScreen

    return SupportScreen()


def ssh_keys() -> Screen[Any]:
    from screens.ssh_keys import SshKeysScreen

    return SshKeysScreen()


def notifications() -> Screen[Any]:
    from screens.notifications import NotificationsScreen

    return NotificationsScreen()


def team() -> Screen[Any]:
    from screens.team import TeamScreen

    return TeamScreen()


def sessions() -> Screen[Any]:
    from screens.sessions import SessionsScreen

    return SessionsScreen()


def help_keys() -> Screen[Any]:
    from screens.help import HelpScreen

    return HelpScreen()


def activity() -> Screen[Any]:
    from screens.activity import ActivityScreen

    return ActivityScreen()

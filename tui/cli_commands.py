"""`credits-tui balance` and `credits-tui logout`: for scripts and cron, no screen involved."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING

from tui.money import format_money

if TYPE_CHECKING:
    from tui.config import Settings


def print_balance(settings: Settings, *, as_json: bool) -> int:
    """Print the balance of the remembered session's account. Exit 1 when not signed in."""
    from tui.api.errors import ApiError, ServerUnreachable
    from tui.api.logs import configure_logging
    from tui.launch import open_store

    # As in the app: the log goes to log_file or nowhere. Unconfigured, Python would print the
    # warnings of libraries (stamina's "retry_scheduled") on stderr, among the command's output.
    configure_logging(settings.log_file)

    async def fetch() -> int:
        with open_store(settings) as store:
            try:
                await store.connect()
                if store.state.connection != "online":
                    print("credits-tui: the credits server cannot be reached", file=sys.stderr)
                    return 1
                account = store.state.account
                if not store.state.signed_in or account is None:
                    print(
                        "credits-tui: not signed in. Start credits-tui and sign in with "
                        '"Remember me" ticked (or set remember_session = true).',
                        file=sys.stderr,
                    )
                    return 1
                if as_json:
                    payload = {
                        "account": account.name,
                        "balance": account.balance,
                        "currency": account.currency,
                        "low_balance": account.low_balance,
                    }
                    print(json.dumps(payload))
                else:
                    print(f"{account.name}: {format_money(account.balance, account.currency)}")
                return 0
            except (ApiError, ServerUnreachable) as error:
                print(f"credits-tui: {error}", file=sys.stderr)
                return 1
            finally:
                await store.close()

    return asyncio.run(fetch())


def logout(settings: Settings) -> int:
    """Forget the remembered session on this machine."""
    from tui.session_file import forget_session

    if forget_session():
        print("Signed out: the remembered session is forgotten.")
    else:
        print("No remembered session to forget.")
    return 0

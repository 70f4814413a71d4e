"""`credits-tui balance` and `credits-tui logout`: for scripts and cron, no screen involved."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC
from typing import TYPE_CHECKING

from credits_core.money import format_money

if TYPE_CHECKING:
    from credits_client.config import Settings
    from credits_client.store import AccountStore, ForgottenSession


def print_balance(settings: Settings, *, as_json: bool) -> int:
    """Print the balance of the remembered session's account (exit statuses: `run_signed_in`)."""

    async def work(store: AccountStore) -> int:
        account = store.state.account
        if account is None:
            return not_signed_in()
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

    return run_signed_in(settings, work)


def run_signed_in(settings: Settings, work: Callable[[AccountStore], Awaitable[int]]) -> int:
    """`work`'s exit status, run on the remembered session. Every failure is one line on stderr:
    exit 1 when the server cannot be reached (it may pass: try again later), 2 when a person must
    act (nobody signed in, a request the server refused, a file that cannot be written)."""
    from credits_client.api.errors import ApiError, ServerUnreachable
    from credits_client.api.logs import configure_logging
    from credits_client.embedded import EmbeddedServerError
    from credits_client.session_file import SessionFile
    from credits_client.store import session_key
    from tui.launch import open_store

    # As in the app: the log goes to log_file or nowhere. Unconfigured, Python would print the
    # warnings of libraries (stamina's "retry_scheduled") on stderr, among the command's output.
    configure_logging(settings.log_file)
    if SessionFile().load(session_key(settings)) is None:
        return not_signed_in()  # at once: no server is asked (nor the embedded one started)

    async def run() -> int:
        with open_store(settings) as store:
            try:
                await store.connect()
                if store.state.connection != "online":
                    return fail("the credits server cannot be reached", 1)
                if not store.state.signed_in:
                    return not_signed_in()
                return await work(store)
            except ServerUnreachable as error:
                return fail(str(error), 1)
            except ApiError as error:
                # The field's own message says more than "Some fields are not valid."
                fields = [f"{name}: {text}" for name, text in error.field_errors.items()]
                return fail(fields[0] if fields else error.message, 2)
            except OSError as error:
                return fail(f"cannot write {error.filename}: {error.strerror}", 2)
            finally:
                await store.close()

    try:
        return asyncio.run(run())
    except EmbeddedServerError as error:
        return fail(f"the local server could not be started: {error}", 1)


def fail(message: str, status: int) -> int:
    """Say `message` as the command's one line on stderr; `status` is the exit status."""
    print(f"credits-tui: {message}", file=sys.stderr)
    return status


def not_signed_in() -> int:
    print(
        "credits-tui: not signed in. Start credits-tui and sign in with "
        '"Remember me" ticked (or set remember_session = true).',
        file=sys.stderr,
    )
    return 2


def logout(settings: Settings) -> int:
    """Sign out: revoke the remembered session's token on the server, then forget it here.

    The file goes even when the server cannot be reached; the message then says until when the
    token (e.g. in a copy of the file) still works. Exit 0 either way: this machine is signed out.
    """
    from credits_client.api.logs import configure_logging
    from credits_client.embedded import EmbeddedServerError
    from credits_client.session_file import SessionFile
    from credits_client.store import EMBEDDED_SERVER_START_WAIT
    from tui.launch import open_store

    if not SessionFile().path.exists():  # no server needed (the embedded one is not started)
        print("No remembered session to forget.")
        return 0
    configure_logging(settings.log_file)
    # The embedded server may still be starting; a configured one is asked with the usual retries.
    server_wait = 0.0 if settings.api_url else EMBEDDED_SERVER_START_WAIT

    async def revoke(store: AccountStore) -> ForgottenSession:
        try:
            return await store.forget_remembered_session(server_wait=server_wait)
        finally:
            await store.close()

    try:
        with open_store(settings) as store:
            outcome = asyncio.run(revoke(store))
    except EmbeddedServerError as error:
        reason = f"The local server could not be started: {error}"
        outcome = _forget_without_server(settings, reason)
    _print_logout(outcome)
    return 0


def _forget_without_server(settings: Settings, reason: str) -> ForgottenSession:
    from credits_client.session_file import SessionFile
    from credits_client.store import ForgottenSession, session_key

    session_file = SessionFile()
    remembered = session_file.load(session_key(settings))
    removed = session_file.forget()
    if remembered is None:
        return ForgottenSession(removed, None, None)
    return ForgottenSession(removed, remembered.expires_at, reason)


def _print_logout(outcome: ForgottenSession) -> None:
    if not outcome.file_removed:
        print("No remembered session to forget.")
    elif outcome.expires_at is None:
        # Expired, unreadable, or made on another server than the one configured now.
        print(
            "Signed out: the remembered session is forgotten (there was no valid token to revoke)."
        )
    elif outcome.not_revoked is None:
        print("Signed out: the session is revoked on the server and forgotten here.")
    else:
        until = outcome.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        print("Signed out here: the remembered session is forgotten.")
        print(
            f"credits-tui: the token could not be revoked on the server; it expires at {until}, "
            f"and until then a copy of it still works. {outcome.not_revoked}",
            file=sys.stderr,
        )

"""The one account store: the single source of truth the screens read (see docs/CONTRACT.md).

Screens use the facade `AccountStore` alone; the modules beside it are its parts.
"""

from credits_client.store.account_store import EMBEDDED_SERVER_START_WAIT, AccountStore
from credits_client.store.session import ForgottenSession, session_key

__all__ = [
    "EMBEDDED_SERVER_START_WAIT",
    "AccountStore",
    "ForgottenSession",
    "session_key",
]

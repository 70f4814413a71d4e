"""How a server event changes the account state: pure functions, so they are easy to test."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

from credits_client.api.models import (
    Account,
    AutoRecharge,
    Event,
    PaymentLink,
    SupportRequest,
    Topup,
)
from credits_client.state import AccountState

log = logging.getLogger("credits_client.store")


def with_balance(account: Account, balance: int) -> Account:
    """The account at a new balance, its low-balance flag recomputed."""
    return account.model_copy(
        update={"balance": balance, "low_balance": balance < account.low_balance_level}
    )


def later_link(shown: PaymentLink, incoming: PaymentLink) -> PaymentLink | None:
    """The link to show after another reading of it (an event, a GET), or None to keep `shown`.

    A paid or expired link never reads as open again (an answer that travelled while its event
    arrived is older than the event). The URL stays the one made for this app: the server keeps
    only a hash of its token, so no later reading can carry it."""
    if incoming.id != shown.id or (shown.status != "open" and incoming.status == "open"):
        return None
    return incoming.model_copy(update={"url": shown.url})


def apply_event(state: AccountState, event: Event) -> dict[str, Any]:
    """The changes to `state` for `event` (always at least its id, so a resume starts after it)."""
    changes: dict[str, Any] = {"last_event_id": event.id}
    data = event.data
    account = state.account
    try:
        if event.type == "balance.updated" and account is not None:
            changes["account"] = with_balance(account, _int(data["balance"]))
        elif event.type == "low_balance" and account is not None:
            level = _int(data.get("level", account.low_balance_level))
            changes["account"] = account.model_copy(
                update={
                    "balance": _int(data["balance"]),
                    "low_balance": True,
                    "low_balance_level": level,
                }
            )
        elif event.type == "topup.succeeded" and account is not None:
            topup = Topup.model_validate(data["topup"])
            if topup.balance_after is not None:
                changes["account"] = with_balance(account, topup.balance_after)
        elif event.type == "settings.updated":
            # The ETag is not in the event: keep the old one so a save still meets a 412 and the
            # reload that `needs_reload` asks for brings the new tag.
            changes["auto_recharge"] = AutoRecharge.model_validate(data["auto_recharge"])
        elif event.type == "payment_link.updated" and state.payment_link is not None:
            # The balance comes with the top-up's own events; this is the link's news alone.
            link = later_link(state.payment_link, PaymentLink.model_validate(data))
            if link is not None:
                changes["payment_link"] = link
        elif event.type == "support.answered":
            changes["support_requests"] = _answered(state.support_requests, data)
    except (KeyError, TypeError, ValueError, ValidationError):
        log.warning("ignored the unexpected body of event %s (%s)", event.id, event.type)
    return changes


def _answered(
    requests: tuple[SupportRequest, ...], data: dict[str, object]
) -> tuple[SupportRequest, ...]:
    """The requests with the operator's answer on the one it is for."""
    answer, status = str(data["answer"]), data["status"]
    return tuple(
        item.model_copy(
            update={"answer": answer, "status": "closed" if status == "closed" else "open"}
        )
        if item.id == data["id"]
        else item
        for item in requests
    )


def needs_reload(event: Event, state: AccountState | None = None) -> set[str]:
    """What to fetch again after `event` (applied to `state`): parts of the state the event does
    not carry whole. A new balance the newest entry shown does not end at means entries (usage
    debits, say) the history lacks."""
    if event.type == "balance.updated" and state is not None and state.account is not None:
        newest = state.transactions[0].balance_after if state.transactions else None
        return {"transactions"} if newest != state.account.balance else set()
    if event.type in ("topup.succeeded", "auto_recharge.succeeded"):
        return {"account", "transactions"}
    if event.type in ("auto_recharge.failed", "auto_recharge.disabled", "settings.updated"):
        return {"auto_recharge", "account"}
    return set()


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected an integer amount")
    return value

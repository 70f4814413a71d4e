"""How each server event changes what the screens show (the pure functions of store.events)."""

from __future__ import annotations

from datetime import UTC, datetime

from credits_client.api.models import Account, AutoRecharge, Event
from credits_client.state import AccountState
from credits_client.store.events import apply_event, needs_reload

ACCOUNT = Account(
    id="a1", name="Acme", currency="USD", balance=5000, low_balance=False, low_balance_level=1000
)
BOUNDS = {
    "threshold_min": 500,
    "threshold_max": 50000,
    "amount_min": 1000,
    "amount_max": 100000,
    "step": 500,
}


def event(event_id: int, kind: str, data: dict[str, object]) -> Event:
    return Event(id=event_id, type=kind, created_at=datetime.now(UTC), data=data)


def test_balance_updates_and_low_balance_follow_the_level() -> None:
    state = AccountState(account=ACCOUNT)
    changes = apply_event(state, event(7, "balance.updated", {"balance": 900, "currency": "USD"}))
    assert changes["last_event_id"] == 7
    assert changes["account"].balance == 900
    assert changes["account"].low_balance is True
    low = apply_event(state, event(8, "low_balance", {"balance": 400, "level": 1500}))
    assert (low["account"].balance, low["account"].low_balance_level) == (400, 1500)


def test_a_topup_event_sets_the_balance_and_asks_for_the_history() -> None:
    topup = {
        "id": "t1",
        "amount": 2500,
        "currency": "USD",
        "status": "succeeded",
        "balance_after": 7500,
        "created_at": "2026-01-01T00:00:00Z",
    }
    happened = event(9, "topup.succeeded", {"topup": topup})
    changes = apply_event(AccountState(account=ACCOUNT), happened)
    assert changes["account"].balance == 7500
    assert needs_reload(happened) == {"account", "transactions"}


def test_settings_from_elsewhere_replace_ours_and_fetch_the_etag() -> None:
    settings = {"enabled": True, "threshold": 1500, "amount": 2500, "bounds": BOUNDS}
    happened = event(10, "settings.updated", {"auto_recharge": settings})
    changes = apply_event(AccountState(account=ACCOUNT), happened)
    assert isinstance(changes["auto_recharge"], AutoRecharge)
    assert changes["auto_recharge"].threshold == 1500
    assert "auto_recharge" in needs_reload(happened)


def test_an_odd_event_changes_nothing_but_its_id() -> None:
    odd = event(11, "balance.updated", {"balance": "lots"})
    assert apply_event(AccountState(account=ACCOUNT), odd) == {"last_event_id": 11}
    assert apply_event(AccountState(), event(12, "something.new", {})) == {"last_event_id": 12}


def link_body(status: str, **extra: object) -> dict[str, object]:
    return {
        "id": "pl_1",
        "url": None,
        "amount": 2500,
        "currency": "USD",
        "status": status,
        "expires_at": "2026-01-01T00:15:00Z",
        "created_at": "2026-01-01T00:00:00Z",
        **extra,
    }


def test_a_payment_link_event_updates_the_followed_link_and_never_reopens_it() -> None:
    from credits_client.api.models import PaymentLink

    made = {**link_body("open"), "url": "https://pay.example.test/pay/abc"}
    shown = PaymentLink.model_validate(made)
    failure = {"code": "card_declined", "message": "The card was declined."}
    declined = event(13, "payment_link.updated", link_body("open", last_failure=failure))
    changes = apply_event(AccountState(account=ACCOUNT, payment_link=shown), declined)
    assert changes["payment_link"].last_failure.message == "The card was declined."
    # The event cannot carry the link's token (the server keeps only its hash): the URL stays.
    assert changes["payment_link"].url == shown.url
    paid = PaymentLink.model_validate(link_body("paid"))
    # An older reading (open) after the paid one changes nothing; another link's news neither.
    late = apply_event(
        AccountState(payment_link=paid), event(14, "payment_link.updated", link_body("open"))
    )
    assert "payment_link" not in late
    other = apply_event(
        AccountState(payment_link=shown),
        event(15, "payment_link.updated", {**link_body("paid"), "id": "pl_2"}),
    )
    assert "payment_link" not in other

"""The AccountStore against the real server: what the screens read after each action."""

from __future__ import annotations

import asyncio
import json
import shutil
import stat
import tempfile
from pathlib import Path

import httpx
import pytest

from credits_client.api.errors import ServerUnreachable, SessionExpired
from credits_client.api.models import CardInput
from credits_client.config import load_settings
from credits_client.session_file import SessionFile
from credits_client.state import AccountState
from credits_client.store import AccountStore
from credits_core.roles import Permission
from tests.credits_client.conftest import StoreFactory, until
from tests.support.faults import FaultyLink, held
from tests.support.live_server import LiveServer, Owner, ServerProcess
from tests.support.live_server import credits_server_executable as server_command


async def test_connect_waits_for_an_embedded_server_still_starting_on_its_socket(
    tmp_path: Path,
) -> None:
    """The lead's path: `from_settings` with the embedded server's Unix socket, not yet there."""
    # A short directory: AF_UNIX paths are limited to 108 bytes and tmp_path can be longer.
    socket_dir = Path(tempfile.mkdtemp(prefix="ct-", dir="/tmp"))
    socket_path = socket_dir / "server.sock"
    store = AccountStore.from_settings(
        load_settings(None, {}), base_url="http://credits-server.local", uds=str(socket_path)
    )
    connecting = asyncio.create_task(store.connect())
    await until(store, lambda s: s.busy("connect"))
    assert store.state.connection == "connecting"

    later = ServerProcess(tmp_path / "late-server")
    later.workdir.mkdir()
    command = [server_command(), "serve", "--uds", str(socket_path), "--migrate"]
    process = await asyncio.create_subprocess_exec(
        *command, env=later.server_env(), stdout=asyncio.subprocess.DEVNULL
    )
    try:
        await asyncio.wait_for(connecting, timeout=30)
        assert store.state.connection == "online"
        assert store.state.server is not None
        assert store.state.server.version
        assert not store.state.busy("connect")
        assert not store.state.signed_in
    finally:
        await store.close()
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=10)
        shutil.rmtree(socket_dir, ignore_errors=True)


async def test_connect_gives_up_to_offline_and_comes_back_online(
    live_server: LiveServer, make_store: StoreFactory
) -> None:
    link = FaultyLink()
    link.down = True
    store = make_store(link, connect_timeout=0.3)
    await store.connect()
    assert store.state.connection == "offline"
    link.down = False
    await until(store, lambda s: s.connection == "online")
    assert store.state.server is not None


async def test_sign_in_shows_the_account_as_the_server_has_it(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    store = make_store()
    seen: list[AccountState] = []
    store.subscribe(seen.append)
    await store.connect()
    await store.login(owner.email, owner.password, remember=False)

    state = store.state
    assert state.signed_in
    assert state.user is not None
    assert state.user.role == "owner"
    assert state.connection == "online"
    assert state.account is not None
    assert state.account.balance == live_server.balance(owner.account_id) == 5000
    assert state.topup_options is not None
    assert state.default_payment_method is not None
    assert state.default_payment_method.id == owner.payment_method_id
    assert state.auto_recharge is not None
    assert state.auto_recharge_etag
    assert [t.description for t in state.transactions] == ["Opening balance"]
    assert state.transactions_complete
    assert state.in_flight == frozenset()
    assert any(s.busy("login") for s in seen)
    assert seen[-1] is state


async def test_paying_marks_the_payment_in_flight_and_updates_balance_and_history(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    store = make_store()
    await store.login(owner.email, owner.password, remember=False)
    during: list[bool] = []
    store.subscribe(lambda s: during.append(s.busy("top_up")))

    topup = await store.top_up(1000, payment_method_id=owner.payment_method_id)

    assert topup.status == "succeeded"
    assert True in during
    assert not store.state.busy("top_up")
    assert store.state.account is not None
    assert store.state.account.balance == 6000 == live_server.balance(owner.account_id)
    # The history follows at once, or a moment later when the top-up's event got here first.
    await until(store, lambda s: bool(s.transactions) and s.transactions[0].kind == "topup")
    assert store.state.transactions[0].amount == 1000


async def test_history_filter_and_support_requests(owner: Owner, make_store: StoreFactory) -> None:
    store = make_store()
    await store.login(owner.email, owner.password, remember=False)
    await store.top_up(1000, payment_method_id=owner.payment_method_id)
    await store.filter_transactions("topup")
    shown = store.state.history_filter
    assert shown is not None
    assert [t.kind for t in shown.transactions] == ["topup"]
    # The filtered rows are kept apart: the history every other screen shows has every kind.
    assert sorted(t.kind for t in store.state.transactions) == ["adjustment", "topup"]
    await store.filter_transactions(None)
    assert store.state.history_filter is None

    request = await store.request_support(300000, "A large top-up, please.", "ops@example.com")
    assert store.state.support_requests[0] == request
    assert request.reference


async def test_activity_trail_fills_the_state_and_is_dropped(
    owner: Owner, make_store: StoreFactory
) -> None:
    store = make_store()
    await store.login(owner.email, owner.password, remember=False)
    await store.activity().start(None)
    trail = store.state.activity
    assert trail is not None
    assert trail.complete
    assert "session.created" in [item.action for item in trail.items]
    await store.activity().start("card")
    cards = store.state.activity
    assert cards is not None
    assert cards.kind == "card"
    assert all(item.action.startswith("card.") for item in cards.items)
    store.activity().drop()
    assert store.state.activity is None


async def test_remembered_session_resumes_and_logout_forgets_it(
    owner: Owner, make_store: StoreFactory, tmp_path: Path
) -> None:
    first = make_store()
    await first.login(owner.email, owner.password, remember=True)
    session_file = tmp_path / "session.json"
    assert stat.S_IMODE(session_file.stat().st_mode) == 0o600
    assert owner.password not in session_file.read_text()
    await first.close()

    second = make_store()
    await second.connect()
    assert second.state.signed_in
    assert second.state.user is not None
    assert second.state.user.email == owner.email
    assert second.state.account is not None
    assert second.state.account.balance == 5000

    await second.logout()
    assert not session_file.exists()
    assert second.state.user is None
    assert second.state.account is None

    third = make_store()
    await third.connect()
    assert not third.state.signed_in


async def test_a_session_remembered_before_roles_resumes(
    owner: Owner, make_store: StoreFactory, tmp_path: Path
) -> None:
    """A file whose user has the former role "member" resumes without a new sign-in."""
    first = make_store()
    await first.login(owner.email, owner.password, remember=True)
    await first.close()
    session_file = tmp_path / "session.json"
    raw = json.loads(session_file.read_text())
    raw["user"]["role"] = "member"
    session_file.write_text(json.dumps(raw))

    second = make_store()
    await second.connect()
    assert second.state.signed_in
    assert second.state.account is not None
    # The server's answer to /v1/me has the say: this person owns the account.
    await until(second, lambda s: s.user is not None and s.user.role == "owner")


async def test_a_revoked_remembered_session_asks_to_sign_in(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory, tmp_path: Path
) -> None:
    first = make_store()
    await first.login(owner.email, owner.password, remember=True)
    remembered = SessionFile(tmp_path / "session.json").load(live_server.url)
    assert remembered is not None
    async with httpx.AsyncClient() as elsewhere:  # signed out on another machine
        await elsewhere.delete(
            f"{live_server.url}/v1/sessions/current",
            headers={"Authorization": f"Bearer {remembered.token.get_secret_value()}"},
        )

    second = make_store()
    await second.connect()
    assert second.state.connection == "online"
    assert not second.state.signed_in
    assert not second.state.session_expired


async def test_a_call_without_a_server_says_offline_then_recovers(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    link = FaultyLink()
    store = make_store(link)
    await store.login(owner.email, owner.password, remember=False)
    link.down = True
    with pytest.raises(ServerUnreachable):
        await store.refresh()
    assert store.state.connection == "offline"
    assert store.state.account is not None  # the last known balance stays
    link.down = False
    await until(store, lambda s: s.connection == "online")


async def test_a_viewer_sees_the_account(live_server: LiveServer, make_store: StoreFactory) -> None:
    boss = live_server.make_owner(balance=1200)
    member = live_server.add_user(boss.account_id)
    store = make_store()
    await store.login(member.email, member.password, remember=False)
    assert store.state.signed_in
    assert store.state.refusal(Permission.PAY) == "Your role (viewer) cannot pay: ask an owner."
    assert store.state.account is not None
    assert store.state.account.balance == 1200


async def test_signing_in_as_someone_else_starts_clean(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    store = make_store()
    await store.login(owner.email, owner.password, remember=False)
    assert store.state.auto_recharge is not None
    store.edit_auto_recharge(store.state.auto_recharge.as_update())
    other = live_server.make_owner(balance=300)
    await store.login(other.email, other.password, remember=False)
    assert store.state.auto_recharge_draft is None
    assert store.state.account is not None
    assert store.state.account.balance == 300
    store.client.set_token("not-a-token")
    with pytest.raises(SessionExpired):
        await store.refresh()
    assert store.state.session_expired


async def test_three_d_secure_payment_waits_until_the_bank_answers(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    store = make_store()
    await store.login(owner.email, owner.password, remember=False)
    card = CardInput.model_validate(
        {"number": "4000002760003184", "exp_month": 12, "exp_year": 2031, "cvc": "123"}
    )
    topup = await store.top_up(2000, card=card)
    assert topup.status == "requires_action"
    assert topup.action_url

    waiting = asyncio.create_task(store.wait_for_topup(topup.id))
    await until(store, lambda s: s.busy("top_up"))
    async with httpx.AsyncClient() as browser:  # the person approves on the bank's page
        await browser.post(
            f"{live_server.url}/sandbox/authenticate/{topup.id}", params={"result": "approve"}
        )
    done = await asyncio.wait_for(waiting, timeout=10)

    assert done.status == "succeeded"
    assert not store.state.busy("top_up")
    assert store.state.account is not None
    assert store.state.account.balance == 7000 == live_server.balance(owner.account_id)


async def test_an_answer_that_arrives_after_signing_out_is_dropped(
    owner: Owner, make_store: StoreFactory
) -> None:
    link = FaultyLink()
    store = make_store(link)
    await store.login(owner.email, owner.password, remember=False)
    await until(store, lambda s: s.live_events)
    await link.wait_answered("/v1/account", 1)  # sign-in reads it once, after the stream opened
    arrived, release = asyncio.Event(), asyncio.Event()
    link.add("GET", "/v1/account", held(arrived, release))
    refreshing = asyncio.create_task(store.refresh())
    await asyncio.wait_for(arrived.wait(), timeout=10)

    await store.logout()
    release.set()
    await asyncio.wait_for(refreshing, timeout=10)

    assert store.state.user is None
    assert store.state.account is None
    assert store.state.transactions == ()


async def test_cards_saved_made_default_and_removed(owner: Owner, make_store: StoreFactory) -> None:
    store = make_store()
    await store.login(owner.email, owner.password, remember=False)
    card = CardInput.model_validate(
        {"number": "5555555555554444", "exp_month": 11, "exp_year": 2032, "cvc": "321"}
    )
    added = await store.add_payment_method(card)
    assert added.id is not None
    assert [m.last4 for m in store.state.payment_methods] == ["4242", "4444"]
    await store.set_default_payment_method(added.id)
    assert store.state.default_payment_method is not None
    assert store.state.default_payment_method.last4 == "4444"
    await store.remove_payment_method(added.id)
    assert [m.last4 for m in store.state.payment_methods] == ["4242"]
    assert not store.state.busy("cards")

"""The app under test: built by `create_app` (as the CLI does) over a real store and client."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from textual.widgets import Button, Input, TextArea

from credits_client.api.client import CreditsClient
from credits_client.api.models import User
from credits_client.session_file import RememberedSession, SessionFile
from credits_client.store import AccountStore
from tests.support.live_server import LiveServer, Owner
from tui.app import CreditsApp, create_app

TODAY = date(2026, 11, 20)
SHOWN_URL = "https://credits.example.test"  # what the app shows as its server: no random port


@pytest.fixture(autouse=True)
def steady_widgets(monkeypatch: pytest.MonkeyPatch) -> None:
    """No blinking cursors or press effects: a screen looks the same at every instant."""
    for widget in (Input, TextArea):
        original = widget.__init__

        def init(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> None:
            __original(self, *args, **kwargs)
            self.cursor_blink = False

        monkeypatch.setattr(widget, "__init__", init)
    original_button = Button.__init__

    def button_init(self: Button, *args: Any, **kwargs: Any) -> None:
        original_button(self, *args, **kwargs)
        self.active_effect_duration = 0

    monkeypatch.setattr(Button, "__init__", button_init)


MakeApp = Callable[..., CreditsApp]


@pytest.fixture
def make_app(live_server: LiveServer, tmp_path: Path) -> MakeApp:
    """`make_app(transport=None, url=None, connect_timeout=30, embedded=False)`: the app on the
    live server."""

    def factory(
        *,
        url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        connect_timeout: float = 30.0,
        signed_in_as: Owner | None = None,
        embedded: bool = False,
        **options: Any,
    ) -> CreditsApp:
        session_file = SessionFile(tmp_path / "session.json")
        if signed_in_as is not None:
            remember(session_file, signed_in_as)
        client = CreditsClient(url or live_server.url, transport=transport)
        store = AccountStore(
            client,
            server_key="tests",
            api_url=SHOWN_URL,
            session_file=session_file,
            connect_timeout=connect_timeout,
            poll_interval=0.1,
            reconnect_delay=0.1,
            embedded=embedded,  # as if on the embedded server: its links open nowhere
        )
        options.setdefault("today", TODAY)
        app = create_app(store, **options)
        app.animation_level = "none"  # loading indicators and toasts drawn the same every time
        return app

    return factory


def remember(session_file: SessionFile, owner: Owner) -> None:
    """Write the owner's session as "remember me" would: the app starts signed in."""
    user = User(id=owner.user_id, email=owner.email, role="owner", account_id=owner.account_id)
    expires = datetime(2099, 1, 1, tzinfo=UTC)
    session_file.save(RememberedSession("tests", SecretStr(owner.token), expires, user))


def fixed_owner(live_server: LiveServer, *, balance: int = 4250, with_card: bool = True) -> Owner:
    """An owner whose name, history dates and card expiry are the same on every run."""
    owner = live_server.make_owner(0, with_card=with_card, name="Acme Phones Ltd")
    history = [
        ("adjustment", 10000, "Opening balance", datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),
        ("usage", -2350, "Calls, week 44", datetime(2026, 11, 2, 18, 0, tzinfo=UTC)),
        ("usage", -1900, "Calls and SMS, week 45", datetime(2026, 11, 9, 18, 0, tzinfo=UTC)),
        ("usage", -1500, "Calls, week 46", datetime(2026, 11, 16, 18, 0, tzinfo=UTC)),
    ]
    opening_total = sum(amount for _, amount, _, _ in history)
    history.append(
        (
            "usage" if balance < opening_total else "adjustment",
            balance - opening_total,
            "Calls, this week",
            datetime(2026, 11, 19, 18, 0, tzinfo=UTC),
        )
    )

    async def write(ctx: Any) -> None:
        from sqlalchemy import update

        from credits_server.ledger import post
        from credits_server.models import PaymentMethod

        async with ctx.db.write() as session:
            for kind, amount, description, when in history:
                if amount:
                    await post(
                        session,
                        owner.account_id,
                        kind=kind,
                        amount=amount,
                        description=description,
                        created_at=when,
                    )
            await session.execute(
                update(PaymentMethod)
                .where(PaymentMethod.account_id == owner.account_id)
                .values(exp_month=12, exp_year=2029)
            )

    live_server.run(write)
    return owner

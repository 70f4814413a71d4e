"""After a full flow in the app (sign in typing the password with "remember me", pay with a new
card and save it), no card number, CVC, password or session token is in the app's debug log,
the session file, the server's database or logs; the session file is 0600. And no committed
snapshot shows a card number outside the card form, where it is the person's own typing."""

from __future__ import annotations

import html
import logging
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from credits_client.api.logs import configure_logging
from tests.screens.conftest import MakeApp
from tests.support.live_server import LiveServer
from tests.support.pilot import back_on_dashboard, open_payment, sign_in, type_card

CARD = "378282246310005"  # Amex: a four-digit CVC, unlikely to occur by chance
CVC = "7391"
STANDALONE_CVC = re.compile(rf"(?<![0-9A-Za-z]){CVC}(?![0-9A-Za-z])")
BEARER = re.compile(r"Bearer\s+[A-Za-z0-9_\-.]{16,}")
SNAPSHOTS = Path(__file__).parents[2]
CARD_NUMBER = re.compile(r"(?<!\d)(?:\d[ ]?){12,18}\d(?!\d)")


@pytest.fixture
def app_log(tmp_path: Path) -> Iterator[Path]:
    """The app's debug log, as `log_file` in the config turns it on."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    path = tmp_path / "logs" / "credits-tui.log"
    configure_logging(path)
    yield path
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


async def test_no_secret_is_left_anywhere_after_a_full_flow(
    make_app: MakeApp, live_server: LiveServer, tmp_path: Path, app_log: Path
) -> None:
    owner = live_server.make_owner(balance=1000, with_card=False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, owner, remember=True)
        await open_payment(pilot, "3")
        await type_card(pilot, CARD, cvc=CVC, save=True)
        await pilot.press("ctrl+s")
        await back_on_dashboard(pilot, "$60.00")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert live_server.balance(owner.account_id) == 6000

    _audit(live_server, owner.password, app_log, tmp_path / "session.json")


def _audit(live_server: LiveServer, password: str, app_log: Path, session_file: Path) -> None:
    """Read every file the flow left behind (sync: plain file reads after the app has closed)."""
    assert stat.S_IMODE(session_file.stat().st_mode) == 0o600
    app_files = [app_log, session_file]
    assert app_log.read_text()  # the log was written: the checks below read something
    for path in app_files:
        text = path.read_text()
        for secret in (CARD, "3782 822463 10005", password):
            assert secret not in text, path.name
        assert not STANDALONE_CVC.search(text), path.name
    assert not BEARER.search(app_log.read_text())
    remembered_token = _token_in(session_file)
    assert remembered_token not in app_log.read_text()
    assert live_server.find_secrets([CARD, password, remembered_token]) == []
    for path in live_server.files_to_audit():
        assert not STANDALONE_CVC.search(path.read_bytes().decode("utf-8", "replace")), path


def _token_in(session_file: Path) -> str:
    """The remembered session token (the only secret the file may hold: it is the session)."""
    import json

    token = json.loads(session_file.read_text())["token"]
    assert isinstance(token, str)
    assert len(token) >= 20
    return token


def test_no_snapshot_shows_a_card_number_outside_the_card_form() -> None:
    # Screens only: the widget showcases are card inputs being typed into.
    snapshots = sorted(SNAPSHOTS.glob("screens/__snapshots__/**/*.svg"))
    assert snapshots
    for path in snapshots:
        rows = re.findall(r"<text[^>]*>(.*?)</text>", path.read_text(), flags=re.S)
        text = html.unescape("".join(rows)).replace("\xa0", " ")
        assert not BEARER.search(text), path.name
        if "card" in path.name or "payment" in path.name:
            continue  # the card form shows what is being typed into it
        assert not CARD_NUMBER.search(text), path.name

"""What each setting of the first paint changes on screen, in the app `credits-tui` builds
(`tui.launch.build_app`) from a config file, the environment or a flag, on a live server."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from textual.color import Color
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Static

from tests.support.live_server import LiveServer
from tests.support.pilot import on_dashboard, settle, type_text
from tests.support.wait import wait_for_async
from tui.app import CreditsApp
from tui.launch import build_app


@pytest.fixture(autouse=True)
def own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No CREDITS_TUI_* of the developer's; config, state and data directories of the test's own."""
    for name in list(os.environ):
        if name.startswith("CREDITS_TUI_"):
            monkeypatch.delenv(name)
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    return tmp_path


def configure(tmp_path: Path, text: str) -> Path:
    """Write the config file where `credits-tui` looks for it."""
    path = tmp_path / "xdg_config_home" / "credits-tui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def app_from_settings(overrides: dict[str, object] | None = None) -> CreditsApp:
    app, opener = build_app(None, overrides or {})
    assert opener.embedded is None  # every test names the live server: none is started
    return app


async def online(pilot: Pilot[None], app: CreditsApp) -> None:
    await wait_for_async(lambda: app.account_state.connection == "online", pilot=pilot)
    await settle(pilot)


def screen_characters(app: CreditsApp) -> str:
    """Every character on screen, as the terminal would show them (read off a screenshot)."""
    svg = app.export_screenshot()
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return "".join(html.unescape(text) for text in texts).replace("\xa0", " ")


def toasts(app: CreditsApp) -> str:
    """The notifications on screen, as the user reads them."""
    return " ".join(str(toast.render()) for toast in app.screen.query("Toast").results(Static))


async def test_api_url_and_theme_from_the_file(tmp_path: Path, live_server: LiveServer) -> None:
    configure(tmp_path, f'api_url = "{live_server.url}"\ntheme = "nord"\n')
    app = app_from_settings()
    async with app.run_test(size=(80, 24)) as pilot:
        await online(pilot, app)
        server_line = str(app.screen.query_one("#server-line", Static).render())
        assert server_line == f"Server: {live_server.url} (online)"
        assert app.theme == "nord"
        assert app.screen.styles.background == Color.parse(app.get_css_variables()["background"])
        assert app.get_css_variables()["primary"].upper() == "#88C0D0"  # nord's frost blue


@pytest.mark.parametrize("where", ["file", "environment", "flag"])
async def test_ascii_draws_every_cell_in_ascii(
    tmp_path: Path, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    configure(tmp_path, f'api_url = "{live_server.url}"\n' + ("ascii = true\n" * (where == "file")))
    if where == "environment":
        monkeypatch.setenv("CREDITS_TUI_ASCII", "1")
    app = app_from_settings({"ascii": True} if where == "flag" else {})
    async with app.run_test(size=(80, 24)) as pilot:
        await online(pilot, app)
        shown = screen_characters(app)
        assert "Sign in to Credits" in shown
        assert "+-" in shown  # the sign-in box, its corners in ASCII
        assert shown.isascii(), sorted({char for char in shown if not char.isascii()})


async def test_without_ascii_the_borders_are_drawn_in_unicode(
    tmp_path: Path, live_server: LiveServer
) -> None:
    configure(tmp_path, f'api_url = "{live_server.url}"\n')
    app = app_from_settings()
    async with app.run_test(size=(80, 24)) as pilot:
        await online(pilot, app)
        assert "╭" in screen_characters(app)


async def test_remember_session_ticks_remember_me_and_the_next_start_is_signed_in(
    tmp_path: Path, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=4200)
    configure(
        tmp_path,
        f'api_url = "{live_server.url}"\nemail = "{owner.email}"\nremember_session = true\n',
    )
    app = app_from_settings()
    async with app.run_test(size=(80, 24)) as pilot:
        await online(pilot, app)
        assert app.screen.query_one("#remember", Checkbox).value is True
        assert app.screen.query_one("#email", Input).value == owner.email  # the `email` setting
        assert app.focused is app.screen.query_one("#password", Input)  # the email is known
        await type_text(pilot, owner.password)
        await pilot.press("enter")
        await on_dashboard(pilot)
    assert (tmp_path / "xdg_state_home" / "credits-tui" / "session.json").exists()

    again = app_from_settings()
    async with again.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)  # nothing typed: the remembered session signed in
        assert again.account_state.account is not None
        assert again.account_state.account.balance == 4200


async def test_remember_me_is_unticked_by_default_and_nothing_is_remembered(
    tmp_path: Path, live_server: LiveServer
) -> None:
    owner = live_server.make_owner()
    configure(tmp_path, f'api_url = "{live_server.url}"\nemail = "{owner.email}"\n')
    app = app_from_settings()
    async with app.run_test(size=(80, 24)) as pilot:
        await online(pilot, app)
        assert app.screen.query_one("#remember", Checkbox).value is False
        await type_text(pilot, owner.password)
        await pilot.press("enter")
        await on_dashboard(pilot)
    assert not (tmp_path / "xdg_state_home" / "credits-tui" / "session.json").exists()


async def test_keymap_moves_a_key_binding(tmp_path: Path, live_server: LiveServer) -> None:
    configure(tmp_path, f'api_url = "{live_server.url}"\n[keymap]\n"app.quit" = "ctrl+x"\n')
    app = app_from_settings()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await online(pilot, app)
        assert "^x Quit" in screen_characters(app)  # the footer names the new key
        await pilot.press("ctrl+q")  # no longer quits
        await settle(pilot)
        assert app.return_code is None
        assert toasts(app) == ""  # every id in the keymap exists: no warning
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert app.return_code == 0


async def test_an_unknown_keymap_id_is_named_in_a_warning(
    tmp_path: Path, live_server: LiveServer
) -> None:
    configure(tmp_path, f'api_url = "{live_server.url}"\n[keymap]\n"app.quitt" = "ctrl+x"\n')
    app = app_from_settings()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await online(pilot, app)
        expected = "keymap: no key binding has the id 'app.quitt' (did you mean 'app.quit'?)"
        await wait_for_async(lambda: expected in toasts(app), pilot=pilot)


def test_the_keymap_ids_config_example_names_exist() -> None:
    from tui.keymap import binding_ids

    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    text = example.read_text(encoding="utf-8")
    keymap_part = text[text.index("# Key bindings to change") :]
    named = set(re.findall(r"\b([a-z_]+\.[a-z_0-9]+)\b", keymap_part))
    assert "app.quit" in named
    assert named <= binding_ids(), sorted(named - binding_ids())

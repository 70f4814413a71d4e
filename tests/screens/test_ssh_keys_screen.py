"""The SSH keys screen by keys: paste a key and see its fingerprint, remove it after saying yes;
a private key pasted by mistake is refused before it is sent anywhere."""

from __future__ import annotations

from typing import Any

import httpx
from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.screens.conftest import MakeApp
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import on_dashboard, screen_text, settle, type_text
from tests.support.wait import wait_for_async

# Nobody else in the suite registers it (a key belongs to one user at most).
PUBLIC_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICs2a9t+AB2Sod/6kScw0HQkDq1cGm/rLDJCitmFXs7x ada@phone"
)


def keys_on_server(live_server: LiveServer, owner: Owner) -> list[str]:
    with httpx.Client(base_url=live_server.url, headers=owner.headers) as api:
        return [key["fingerprint"] for key in api.get("/v1/ssh-keys").json()["data"]]


def rows(pilot: Pilot[Any]) -> int:
    return pilot.app.screen.query_one("#ssh-keys", DataTable).row_count


async def open_ssh_keys(pilot: Pilot[Any]) -> None:
    from screens.ssh_keys import SshKeysScreen

    await on_dashboard(pilot)
    await pilot.press("k")
    await wait_for_async(lambda: isinstance(pilot.app.screen, SshKeysScreen), pilot=pilot)
    await settle(pilot)


async def test_add_a_key_then_remove_it(make_app: MakeApp, live_server: LiveServer) -> None:
    owner = live_server.make_owner()
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ssh_keys(pilot)
        await type_text(pilot, PUBLIC_KEY)
        await pilot.press("enter")
        await wait_for_async(
            lambda: "Added SHA256:" in screen_text(pilot, "#ssh-keys-result"), pilot=pilot
        )
        [fingerprint] = keys_on_server(live_server, owner)
        assert fingerprint in screen_text(pilot, "#ssh-keys-result")
        await wait_for_async(lambda: rows(pilot) == 1, pilot=pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("y")
        await wait_for_async(
            lambda: "Removed" in screen_text(pilot, "#ssh-keys-result"), pilot=pilot
        )
        assert keys_on_server(live_server, owner) == []
        await wait_for_async(lambda: rows(pilot) == 0, pilot=pilot)


async def test_a_private_key_is_refused_here(make_app: MakeApp, live_server: LiveServer) -> None:
    owner = live_server.make_owner()
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ssh_keys(pilot)
        await type_text(pilot, "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "private key" in screen_text(pilot, "#ssh-keys-result")
        assert keys_on_server(live_server, owner) == []

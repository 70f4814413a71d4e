"""Snapshots of the SSH keys screen, at 80x24 and 120x40: two keys listed, and a refused paste."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable

from tests.screens.conftest import MakeApp, fixed_owner
from tests.screens.snapshot_support import SIZE_IDS, SIZES, signed_in, typing, until
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import screen_text

pytestmark = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)

KEYS = [
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID52sFrzC5YiEdDQ2QyubsKJnugic12KfQi/Mbv6n+tI ada@laptop",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDkT0LmuIcVKThsDouh/7iagheLq4QMAq5tmqVEl03FY"
    " ada@build-box",
]


def owner_with_keys(live_server: LiveServer) -> Owner:
    """A fixed owner holding KEYS (taken from whichever owner of an earlier test had them)."""
    owner = fixed_owner(live_server)

    async def give(ctx: Any) -> None:
        from sqlalchemy import delete

        from credits_server.models import SshKey
        from credits_server.services.ssh_keys import add_key
        from credits_server.ssh_public_keys import parse_public_key

        fingerprints = [parse_public_key(key).fingerprint for key in KEYS]
        async with ctx.db.write() as session:
            await session.execute(delete(SshKey).where(SshKey.fingerprint.in_(fingerprints)))
        for key in KEYS:
            await add_key(ctx, owner.user_id, key)

    live_server.run(give)
    return owner


def listed(pilot: Any) -> bool:
    return pilot.app.screen.query_one("#ssh-keys", DataTable).row_count == len(KEYS)


def test_ssh_keys_listed(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    app = make_app(signed_in_as=owner_with_keys(live_server))
    steps = signed_in("k", until(listed))
    assert snap_compare(app, terminal_size=size, run_before=steps)


def test_ssh_keys_refused_paste(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    app = make_app(signed_in_as=owner_with_keys(live_server))
    refused = until(lambda pilot: "Error" in screen_text(pilot, "#ssh-keys-result"))
    steps = signed_in("k", until(listed), typing("ssh-rsa AAAAnot-a-key"), "enter", refused)
    assert snap_compare(app, terminal_size=size, run_before=steps)

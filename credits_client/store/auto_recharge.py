"""Auto-recharge settings: the unsaved draft, and saving it with the ETag read last."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from credits_client.api.errors import Conflict, ServerUnreachable

if TYPE_CHECKING:
    from credits_client.api.client import CreditsClient
    from credits_client.api.models import AutoRecharge, AutoRechargeUpdate
    from credits_client.store.holder import StateHolder
    from credits_client.store.link import Link
    from credits_client.store.reads import Reads


class AutoRechargeSettings:
    """The draft lives in the state, so a 401 or a reload does not lose it."""

    def __init__(
        self, client: CreditsClient, holder: StateHolder, link: Link, *, reads: Reads
    ) -> None:
        self._client = client
        self._holder = holder
        self._link = link
        self._reads = reads

    def edit(self, update: AutoRechargeUpdate | None) -> None:
        """Keep (or with None, drop) the unsaved edit; it survives a 401 and a reload."""
        self._holder.set(auto_recharge_draft=update)

    async def save(self, update: AutoRechargeUpdate) -> AutoRecharge:
        """Save with the ETag read last. On Conflict the server's values are loaded, then raised."""
        holder, link, client = self._holder, self._link, self._client
        with holder.busy("save_auto_recharge"):
            holder.set(auto_recharge_draft=update)
            etag = holder.state.auto_recharge_etag or ""
            if not etag:
                _, etag = await link.net(client.auto_recharge())
            try:
                saved, etag = await link.net(client.update_auto_recharge(update, etag=etag))
            except Conflict:
                current, latest = await link.net(client.auto_recharge())
                if current.as_update() == update:
                    # Our own save, retried after its answer was lost: it did land.
                    saved, etag = current, latest
                else:
                    holder.set(
                        auto_recharge=current, auto_recharge_etag=latest, auto_recharge_draft=None
                    )
                    raise
            holder.set(auto_recharge=saved, auto_recharge_etag=etag, auto_recharge_draft=None)
            with contextlib.suppress(ServerUnreachable):  # low_balance_level follows the threshold
                await self._reads.account()
        return saved

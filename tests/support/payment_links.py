"""Payment links from the test's side: made through the API as the app makes them, and paid on
the sandbox's page with plain form posts (the browser tests drive the same page in Chromium:
tests/support/browser.py)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.support.live_server import LiveServer

_SECRET = re.compile(r'name="form_secret" value="([^"]+)"')


async def make_link(
    client: httpx.AsyncClient, amount: int = 2500, *, save_card: bool = False
) -> dict[str, Any]:
    """POST /v1/payment-links as the app sends it; the answer's body (201 asserted)."""
    response = await client.post(
        "/v1/payment-links",
        json={"amount": amount, "save_card": save_card},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def page_path(link: dict[str, Any]) -> str:
    return urlsplit(str(link["url"])).path


def form_secret(page: str) -> str:
    found = _SECRET.search(page)
    assert found is not None, page
    return found.group(1)


async def pay_on_page(
    server_url: str, link: dict[str, Any], number: str, *, exp: str = "12/34", cvc: str = "123"
) -> httpx.Response:
    """Open the link's page and pay it with this card, as a browser without script would."""
    async with httpx.AsyncClient(base_url=server_url, timeout=30) as browser:
        page = await browser.get(page_path(link))
        assert page.status_code == 200, page.text
        form = {
            "form_secret": form_secret(page.text),
            "name": "Ada Lovelace",
            "number": number,
            "exp": exp,
            "cvc": cvc,
        }
        return await browser.post(page_path(link), data=form)


def expire(server: LiveServer, link_id: str) -> None:
    """Move the link's expiry into the past (as if its time had run out)."""
    from credits_server.models import PaymentLink

    async def action(ctx: Any) -> None:
        async with ctx.db.write() as session:
            row = await session.get(PaymentLink, link_id)
            row.expires_at = datetime.now(UTC) - timedelta(seconds=1)

    server.run(action)

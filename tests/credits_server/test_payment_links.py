"""Payment links: made by the owner, paid once on the sandbox's page (plain form posts here; in
Chromium in test_pay_page_browser.py), followed on the event stream, refused once used or
expired; `payment_page = "only"` refuses a new card on POST /v1/topups."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.engine import collect_events
from tests.support.live_server import LiveServer, Owner
from tests.support.payment_links import expire, make_link, page_path, pay_on_page
from tests.support.wait import wait_for_async


@pytest.fixture
def server(live_server: LiveServer) -> LiveServer:
    return live_server


@pytest.fixture
def owner(server: LiveServer) -> Owner:
    return server.make_owner(balance=5000, with_card=False)


@pytest.fixture
async def api(server: LiveServer, owner: Owner) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, headers=owner.headers, timeout=30) as api:
        yield api


async def test_a_link_is_short_open_and_its_token_kept_only_hashed(
    server: LiveServer, owner: Owner, api: httpx.AsyncClient
) -> None:
    link = await make_link(api, 2500)
    assert link["id"].startswith("pl_")
    assert (link["status"], link["amount"], link["currency"]) == ("open", 2500, "USD")
    assert link["topup"] is None
    assert link["last_failure"] is None
    token = page_path(link).removeprefix("/pay/")
    assert len(token) == 22
    assert token.isalnum()
    assert link["url"] == f"{server.url}/pay/{token}"
    again = await api.get(f"/v1/payment-links/{link['id']}")
    assert again.status_code == 200
    assert again.json()["status"] == "open"
    assert again.json()["url"] is None
    assert server.find_secrets([token]) == []


async def test_the_same_key_makes_one_link_and_a_fresh_token(api: httpx.AsyncClient) -> None:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = await api.post("/v1/payment-links", json={"amount": 1500}, headers=key)
    second = await api.post("/v1/payment-links", json={"amount": 1500}, headers=key)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["url"] != second.json()["url"]
    old = await httpx.AsyncClient().get(first.json()["url"])
    assert old.status_code == 404  # only the newest token opens the page
    other = await api.post("/v1/payment-links", json={"amount": 2000}, headers=key)
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    missing = await api.post("/v1/payment-links", json={"amount": 2000})
    assert (missing.status_code, missing.json()["code"]) == (400, "idempotency_key_required")


@pytest.mark.parametrize("amount", [999, 100001])
async def test_the_amount_is_within_the_top_up_limits(api: httpx.AsyncClient, amount: int) -> None:
    response = await api.post(
        "/v1/payment-links", json={"amount": amount}, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert response.status_code == 422


async def test_paid_on_the_page_credits_once_and_the_app_hears_it(
    server: LiveServer, owner: Owner, api: httpx.AsyncClient
) -> None:
    link = await make_link(api, 2500, save_card=True)
    async with collect_events(server, owner) as events:
        paid = await pay_on_page(server.url, link, "4242 4242 4242 4242")
        assert paid.status_code == 200
        assert "Payment done" in paid.text
        await wait_for_async(
            lambda: "payment_link.updated" in events.types(), what="payment_link.updated"
        )
    assert {"topup.succeeded", "balance.updated"} <= set(events.types())
    [update] = [data for _, kind, data in events.received if kind == "payment_link.updated"]
    assert update["status"] == "paid"
    assert update["url"] is None
    assert update["topup"]["balance_after"] == 7500
    assert server.balance(owner.account_id) == 7500
    assert [(row.kind, row.amount) for row in server.ledger(owner.account_id)][-1] == (
        "topup",
        2500,
    )
    shown = (await api.get(f"/v1/payment-links/{link['id']}")).json()
    assert shown["status"] == "paid"
    assert shown["topup"]["status"] == "succeeded"
    methods = (await api.get("/v1/payment-methods")).json()["data"]
    assert [m["last4"] for m in methods] == ["4242"]  # saved, as the link asked
    used = await httpx.AsyncClient(base_url=server.url).get(page_path(link))
    token = page_path(link).removeprefix("/pay/")
    assert server.find_secrets([token]) == []  # its page was opened, posted to, and logged
    assert "/pay/[redacted]" in server.log_path.read_text()
    assert used.status_code == 410
    assert "This payment link has been used" in used.text
    again = await pay_on_page_without_opening(server.url, link)
    assert again.status_code == 410
    assert server.balance(owner.account_id) == 7500


async def pay_on_page_without_opening(server_url: str, link: dict[str, object]) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server_url) as browser:
        form = {"form_secret": "x", "number": "4242424242424242", "exp": "12/34", "cvc": "123"}
        return await browser.post(page_path(link), data=form)


async def test_a_decline_is_said_in_plain_words_and_the_link_stays_usable(
    server: LiveServer, owner: Owner, api: httpx.AsyncClient
) -> None:
    link = await make_link(api, 2500)
    async with collect_events(server, owner) as events:
        declined = await pay_on_page(server.url, link, "4000000000009995", exp="11/33")
        assert declined.status_code == 402
        assert "The card has insufficient funds." in declined.text
        assert "Ada Lovelace" in declined.text
        assert "11/33" in declined.text
        assert "4000000000009995" not in declined.text
        assert "9995" not in declined.text
        await wait_for_async(
            lambda: "payment_link.updated" in events.types(), what="payment_link.updated"
        )
    [update] = [data for _, kind, data in events.received if kind == "payment_link.updated"]
    assert update["status"] == "open"
    assert update["last_failure"] == {
        "code": "insufficient_funds",
        "message": "The card has insufficient funds.",
    }
    assert server.balance(owner.account_id) == 5000
    paid = await pay_on_page(server.url, link, "4242424242424242")
    assert "Payment done" in paid.text
    assert server.balance(owner.account_id) == 7500


async def test_three_d_secure_is_confirmed_on_the_page(
    server: LiveServer, owner: Owner, api: httpx.AsyncClient
) -> None:
    link = await make_link(api, 2500)
    asked = await pay_on_page(server.url, link, "4000002760003184")
    assert "Your bank asks you to confirm" in asked.text
    async with httpx.AsyncClient(base_url=server.url) as browser:
        secret = asked.text.split('name="form_secret" value="')[1].split('"')[0]
        done = await browser.post(
            page_path(link) + "/confirm", data={"form_secret": secret, "result": "approve"}
        )
    assert "Payment done" in done.text
    assert server.balance(owner.account_id) == 7500


async def test_a_typing_mistake_is_shown_by_its_field(
    server: LiveServer, api: httpx.AsyncClient
) -> None:
    link = await make_link(api, 2500)
    wrong = await pay_on_page(server.url, link, "4242424242424241", exp="1", cvc="")
    assert wrong.status_code == 422
    assert 'id="number-error"' in wrong.text
    assert 'id="exp-error"' in wrong.text
    assert "4242424242424241" not in wrong.text


async def test_an_expired_link_is_gone_and_says_so(
    server: LiveServer, owner: Owner, api: httpx.AsyncClient
) -> None:
    link = await make_link(api, 2500)
    expire(server, link["id"])
    page = await httpx.AsyncClient(base_url=server.url).get(page_path(link))
    assert page.status_code == 410
    assert "This payment link has expired" in page.text
    assert "new one" in page.text
    assert (await api.get(f"/v1/payment-links/{link['id']}")).json()["status"] == "expired"
    paid = await pay_on_page_without_opening(server.url, link)
    assert paid.status_code == 410
    assert server.balance(owner.account_id) == 5000


async def test_the_page_is_kept_to_itself(
    server: LiveServer, owner: Owner, api: httpx.AsyncClient
) -> None:
    link = await make_link(api, 2500)
    page = await httpx.AsyncClient(base_url=server.url).get(page_path(link))
    # What is paid for (the account's name, the amount) and nothing else of the account.
    assert "$25.00" in page.text
    for private in (owner.email, owner.account_id, owner.token, "$50.00", link["id"]):
        assert private not in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src" not in csp
    assert "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "<script" not in page.text
    forged = await httpx.AsyncClient(base_url=server.url).post(
        page_path(link), data={"form_secret": "forged", "number": "4242424242424242"}
    )
    assert forged.status_code == 403


async def test_another_account_cannot_read_a_link(
    server: LiveServer, api: httpx.AsyncClient
) -> None:
    link = await make_link(api, 2500)
    stranger = server.make_owner(with_card=False)
    async with httpx.AsyncClient(base_url=server.url, headers=stranger.headers) as other:
        assert (await other.get(f"/v1/payment-links/{link['id']}")).status_code == 404


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_the_page_colours_meet_wcag_aa_contrast() -> None:
    from credits_server.gateway.pages import CONTRASTS, CSS, PALETTE

    for foreground, background, least in CONTRASTS:
        lighter, darker = sorted(
            (_luminance(PALETTE[foreground]), _luminance(PALETTE[background])), reverse=True
        )
        ratio = (lighter + 0.05) / (darker + 0.05)
        assert ratio >= least, f"{foreground} on {background}: {ratio:.2f}"
    # The stylesheet's colours are the palette's, each checked above.
    assert set(re.findall(r"#[0-9a-f]{6}", CSS)) <= set(PALETTE.values())

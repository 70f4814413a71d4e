"""Card numbers, CVCs, passwords and tokens never reach the database file or the logs."""

from __future__ import annotations

import re
import sqlite3
import uuid

import httpx

from tests.support.cards import tokenize
from tests.support.live_server import STRIPE_TEST_CARDS, LiveServer, Owner
from tests.support.payment_links import make_link, pay_on_page

CVC = "9871"
STANDALONE_CVC = re.compile(rf"(?<![0-9A-Za-z]){CVC}(?![0-9A-Za-z])")


def card(number: str, **changes: object) -> dict[str, object]:
    return {"number": number, "exp_month": 12, "exp_year": 2039, "cvc": CVC, **changes}


async def test_no_card_number_cvc_password_or_token_is_written(live_server: LiveServer) -> None:
    owner = live_server.make_owner(balance=1000)
    async with httpx.AsyncClient(base_url=live_server.url, headers=owner.headers) as client:
        for number in STRIPE_TEST_CARDS:
            # As the app does it: the card to the gateway's tokenization endpoint, the token to
            # the server; and as it must never be done: the card to the server (refused).
            # (A four-digit CVC, to grep for, is refused by the gateway for most brands.)
            token = await tokenize(client, card(number))
            if token.status_code == 200:
                saving = {"card_token": token.json()["id"]}
                await client.post("/v1/payment-methods", json=saving)
            await tokenize(client, card(number, exp_month="May"))
            refused = await client.post("/v1/payment-methods", json=card(number))
            assert (refused.status_code, refused.json()["code"]) == (422, "card_data_refused")
            for save in (False, True):
                body = {"amount": 1000, "card": card(number), "save_card": save}
                if token.status_code == 200:
                    await client.post(
                        "/v1/topups",
                        json={"amount": 1000, "card_token": token.json()["id"], "save_card": save},
                        headers={"Idempotency-Key": uuid.uuid4().hex},
                    )
                refused = await client.post(
                    "/v1/topups", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
                )
                assert refused.status_code == 422
            await tokenize(client, card(number, exp_year=1999))
        await client.post("/v1/sessions", json={"email": owner.email, "password": owner.password})
        await client.post(
            "/v1/sessions", json={"email": owner.email, "password": f"wrong-{owner.password}"}
        )
    assert live_server.find_secrets([*STRIPE_TEST_CARDS, owner.password, owner.token]) == []
    assert_no_cvc_written(live_server, owner)


def assert_no_cvc_written(live_server: LiveServer, owner: Owner) -> None:
    database = sqlite3.connect(live_server.database_path)
    try:
        tables = [
            row[0] for row in database.execute("select name from sqlite_master where type='table'")
        ]
        for table in tables:
            for row in database.execute(f'select * from "{table}"'):  # noqa: S608 - our own tables
                for value in row:
                    assert not (isinstance(value, str) and STANDALONE_CVC.search(value)), table
    finally:
        database.close()
    log = live_server.log_path.read_text()
    assert not STANDALONE_CVC.search(log)
    assert owner.account_id in log  # the log is there, and it is about this account's requests


async def test_the_payment_page_keeps_no_card_number_or_cvc(live_server: LiveServer) -> None:
    """Every test card typed on a payment link's page (the sandbox tokenizes it there): paid,
    declined, or refused as mistyped, the number and CVC are neither written nor sent back."""
    owner = live_server.make_owner(balance=1000, with_card=False)
    async with httpx.AsyncClient(base_url=live_server.url, headers=owner.headers) as client:
        for number in STRIPE_TEST_CARDS:
            link = await make_link(client, 1000, save_card=True)
            answer = await pay_on_page(live_server.url, link, number, cvc=CVC)
            assert number not in answer.text
            assert not STANDALONE_CVC.search(answer.text)
    assert live_server.find_secrets([*STRIPE_TEST_CARDS, owner.token]) == []
    assert_no_cvc_written(live_server, owner)

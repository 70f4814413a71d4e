"""The sandbox's secure payment page in a real browser (Debian's headless Chromium): paid with
4242, declined in plain words and paid after, refused once used or expired; its accessibility
(labels, autocomplete, numeric keyboards, focus order and a visible focus ring); screenshots at
phone and desktop sizes.

Set PAY_PAGE_SCREENSHOTS=docs to write the screenshots into docs/ (they go to a temporary
directory otherwise)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.support.browser import browser, fresh_browser, set_size, submit_card
from tests.support.live_server import LiveServer, Owner
from tests.support.payment_links import expire

__all__ = ["browser", "fresh_browser"]

FIELDS = [
    ("name", "Name on card", "cc-name", None),
    ("number", "Card number", "cc-number", "numeric"),
    ("exp", "Expiry (MM/YY)", "cc-exp", "numeric"),
    ("cvc", "Security code", "cc-csc", "numeric"),
]


@pytest.fixture
def payer(live_server: LiveServer) -> Owner:
    return live_server.make_owner(balance=5000, with_card=False, name="Acme Phones Ltd")


def new_link(server: LiveServer, owner: Owner, amount: int = 2500) -> dict[str, str]:
    made = httpx.post(
        f"{server.url}/v1/payment-links",
        json={"amount": amount},
        headers={**owner.headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert made.status_code == 201
    return dict(made.json())


def heading(page: webdriver.Chrome) -> str:
    return str(page.find_element(By.TAG_NAME, "h1").text)


def test_paid_with_4242_the_balance_changes_and_the_link_is_used(
    live_server: LiveServer, payer: Owner, fresh_browser: webdriver.Chrome
) -> None:
    link = new_link(live_server, payer)
    fresh_browser.get(link["url"])
    assert heading(fresh_browser) == "Pay Acme Phones Ltd"
    assert "$25.00" in fresh_browser.find_element(By.CLASS_NAME, "amount").text
    submit_card(fresh_browser, "4242 4242 4242 4242")
    assert heading(fresh_browser) == "Payment done"
    assert live_server.balance(payer.account_id) == 7500
    assert [(row.kind, row.amount) for row in live_server.ledger(payer.account_id)][-1] == (
        "topup",
        2500,
    )
    fresh_browser.get(link["url"])
    assert heading(fresh_browser) == "This payment link has been used"
    assert live_server.balance(payer.account_id) == 7500


def test_a_decline_says_why_keeps_name_and_expiry_and_the_link_still_pays(
    live_server: LiveServer, payer: Owner, fresh_browser: webdriver.Chrome
) -> None:
    link = new_link(live_server, payer)
    fresh_browser.get(link["url"])
    submit_card(fresh_browser, "4000 0000 0000 0002", exp="11/33")
    alert = fresh_browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert alert.text == "The card was declined."
    assert fresh_browser.find_element(By.ID, "name").get_attribute("value") == "Ada Lovelace"
    assert fresh_browser.find_element(By.ID, "exp").get_attribute("value") == "11/33"
    assert fresh_browser.find_element(By.ID, "number").get_attribute("value") == ""
    assert fresh_browser.find_element(By.ID, "cvc").get_attribute("value") == ""
    assert "0002" not in fresh_browser.page_source
    assert live_server.balance(payer.account_id) == 5000
    submit_card(fresh_browser, "4242424242424242")
    assert heading(fresh_browser) == "Payment done"
    assert live_server.balance(payer.account_id) == 7500


def test_an_expired_link_is_refused(
    live_server: LiveServer, payer: Owner, fresh_browser: webdriver.Chrome
) -> None:
    link = new_link(live_server, payer)
    fresh_browser.get(link["url"])
    expire(live_server, link["id"])
    submit_card(fresh_browser, "4242424242424242")
    assert heading(fresh_browser) == "This payment link has expired"
    assert "Ask the app for a new one" in fresh_browser.page_source
    fresh_browser.get(link["url"])
    assert heading(fresh_browser) == "This payment link has expired"
    assert live_server.balance(payer.account_id) == 5000


def test_every_field_is_labelled_completed_and_reached_in_order(
    live_server: LiveServer, payer: Owner, fresh_browser: webdriver.Chrome
) -> None:
    fresh_browser.get(new_link(live_server, payer)["url"])
    for field, label, autocomplete, inputmode in FIELDS:
        element = fresh_browser.find_element(By.ID, field)
        tied = fresh_browser.find_element(By.CSS_SELECTOR, f"label[for={field}]")
        assert tied.text == label
        assert element.get_attribute("autocomplete") == autocomplete
        assert element.get_attribute("inputmode") == inputmode
    assert fresh_browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    # Tab from the top of the page: name, number, expiry, CVC, then the Pay button.
    fresh_browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    order = []
    for _ in range(5):
        focused = fresh_browser.switch_to.active_element
        order.append(focused.get_attribute("id") or focused.text)
        outline = focused.value_of_css_property("outline-style")
        assert outline not in ("none", ""), f"no visible focus on {order[-1]}"
        focused.send_keys(Keys.TAB)
    assert order == ["name", "number", "exp", "cvc", "Pay $25.00"]


def test_readable_at_phone_width_and_the_screenshots(
    live_server: LiveServer, payer: Owner, fresh_browser: webdriver.Chrome, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("PAY_PAGE_SCREENSHOTS") or tmp_path)
    link = new_link(live_server, payer)
    for width, height in ((390, 844), (1280, 800)):
        set_size(fresh_browser, width, height)
        fresh_browser.get(link["url"])
        scroll_width = fresh_browser.execute_script("return document.documentElement.scrollWidth")
        assert scroll_width <= width, "the page scrolls sideways"
        button = fresh_browser.find_element(By.CSS_SELECTOR, "button[type=submit]")
        assert button.size["height"] >= 44  # a finger-sized target
        shot = folder / f"pay-page-{width}x{height}.png"
        assert fresh_browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 1000


@pytest.fixture(autouse=True)
def _no_card_in_the_server_files(live_server: LiveServer) -> Iterator[None]:
    yield
    assert live_server.find_secrets(["4242424242424242", "4000000000000002"]) == []

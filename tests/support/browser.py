"""A real browser for the tests: Debian's Chromium, driven by Selenium through Debian's
chromedriver (`scripts/test` installs both), so nothing is downloaded at test time.

``browser`` (module scope): one headless Chromium for the test module (each start costs about a
second), with a fresh profile in a temporary directory; its window is 1280x800 unless a test
sets another (`set_size`). Cookies are cleared between tests (`fresh_browser`). Import it into a
test module: ``from tests.support.browser import browser``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]


def start_browser(profile: Path) -> webdriver.Chrome:
    # Selenium Manager would look online for a driver or browser: both are given, and it stays
    # offline.
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,800")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


def set_size(driver: webdriver.Chrome, width: int, height: int) -> None:
    """The page's viewport (not the window's outer size) made `width` x `height`."""
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(width + (width - inner[0]), height + (height - inner[1]))


def submit_card(
    page: webdriver.Chrome, number: str, *, exp: str = "12/34", cvc: str = "123"
) -> None:
    """Type a card into the payment page and press Pay, as a person would; return once the
    answer page has replaced it (a click does not wait for the navigation it starts)."""
    values = {"name": "Ada Lovelace", "number": number, "exp": exp, "cvc": cvc}
    for field, value in values.items():
        element = page.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)
    before = page.find_element(By.TAG_NAME, "html")
    page.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(page, 30).until(expected_conditions.staleness_of(before))


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        driver = start_browser(Path(profile))
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture
def fresh_browser(browser: webdriver.Chrome) -> webdriver.Chrome:
    """The module's browser with no cookies and a 1280x800 viewport."""
    browser.delete_all_cookies()
    set_size(browser, 1280, 800)
    return browser

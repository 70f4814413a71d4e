"""The debug log file: private, and scrubbed of anything secret a library might log."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from credits_client.api.logs import configure_logging, redact


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_log_file_is_private_and_scrubbed(tmp_path: Path, restore_logging: None) -> None:
    log_file = tmp_path / "logs" / "credits-tui.log"
    configure_logging(log_file)
    log = logging.getLogger("tui.test")
    log.info("card %s exp 12/30", "4242 4242 4242 4242")
    log.debug("headers {'Authorization': 'Bearer tok_abc.def-123'}")
    log.warning('body {"password": "hunter22", "cvc": "987", "amount": 2500}')
    try:
        raise ValueError("declined 4000000000000002")
    except ValueError:
        log.exception("payment failed")
    for handler in logging.getLogger().handlers:
        handler.flush()

    text = log_file.read_text()
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    for secret in ("4242 4242 4242 4242", "tok_abc", "hunter22", "987", "4000000000000002"):
        assert secret not in text
    assert "2500" in text  # amounts are not secrets
    assert "payment failed" in text


def test_redact_leaves_ordinary_text_alone() -> None:
    assert redact("balance 5000 USD, 3 calls") == "balance 5000 USD, 3 calls"

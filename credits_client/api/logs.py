"""The debug log (`log_file`): appended, readable by its owner only, and scrubbed of secrets.

The client never logs a card number, CVC, password or token; the filter here is the second line of
defence for anything a library might log (an echoed body, a header, an exception's text).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

_CARD_NUMBER = re.compile(r"\b\d(?:[ -]?\d){11,18}\b")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")
_SECRET_FIELDS = re.compile(
    r"""(?i)(["']?(?:password|cvc|token|number)["']?\s*[:=]\s*["']?)[^"',}\s]+"""
)
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str) -> str:
    """`text` with card numbers, bearer tokens and password/cvc/token/number values masked."""
    text = _CARD_NUMBER.sub("[card number]", text)
    text = _BEARER.sub(r"\1[token]", text)
    return _SECRET_FIELDS.sub(r"\1[redacted]", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's final message (and exception text) through `redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def configure_logging(log_file: Path | None, *, level: int = logging.DEBUG) -> None:
    """Send the app's log to `log_file` (0600, appended); with None, log nothing anywhere."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_credits_tui", False):
            root.removeHandler(handler)
            handler.close()
    if log_file is None:
        root.addHandler(logging.NullHandler())
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(descriptor)  # created private before logging opens it
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler._credits_tui = True  # type: ignore[attr-defined]
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)

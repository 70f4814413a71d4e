"""Which characters the widgets draw: Unicode shapes, or plain ASCII for terminals without them."""

from __future__ import annotations

import os

ASCII_ENV = "CREDITS_TUI_ASCII"
"""Set to 1 to force ASCII drawing (for serial consoles and old terminals); 0 to force Unicode."""


def prefer_ascii() -> bool:
    """True when the terminal should get ASCII only.

    An explicit CREDITS_TUI_ASCII wins; otherwise a locale that names a non-UTF-8 character set
    (LC_ALL, then LC_CTYPE, then LANG, as the C library reads them) means ASCII. An unset locale
    is not taken as ASCII: most terminals reached over SSH without one still speak UTF-8.
    """
    forced = os.environ.get(ASCII_ENV, "").strip()
    if forced:
        return forced not in ("0", "false", "no")
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        locale = os.environ.get(name, "")
        if locale:
            if "." not in locale:
                return False
            charset = locale.split(".", 1)[1].split("@", 1)[0].lower().replace("-", "")
            return charset != "utf8"
    return False

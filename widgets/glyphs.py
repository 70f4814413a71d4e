"""Which characters the widgets draw: Unicode shapes, or plain ASCII for terminals without them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

ASCII_ENV = "CREDITS_TUI_ASCII"
"""Set to 1 to force ASCII drawing (for serial consoles and old terminals); 0 to force Unicode."""

_FALSE = ("0", "false", "off", "no", "n", "f")


def use_ascii(node: MessagePump, explicit: bool | None = None) -> bool:
    """Whether `node` draws ASCII only: `explicit` if given, else the running app's `ascii_only`
    (the `ascii` setting, from flag, environment or file), else `prefer_ascii()`."""
    if explicit is not None:
        return explicit
    try:
        wanted = getattr(node.app, "ascii_only", None)
    except RuntimeError:  # Textual's NoActiveAppError: a widget made outside an app (its tests)
        wanted = None
    return wanted if isinstance(wanted, bool) else prefer_ascii()


def prefer_ascii(environ: Mapping[str, str] | None = None) -> bool:
    """True when the terminal should get ASCII only, by the environment alone.

    An explicit CREDITS_TUI_ASCII wins; otherwise a locale that names a non-UTF-8 character set
    (LC_ALL, then LC_CTYPE, then LANG, as the C library reads them) means ASCII. An unset locale
    is not taken as ASCII: most terminals reached over SSH without one still speak UTF-8.
    """
    env = os.environ if environ is None else environ
    forced = env.get(ASCII_ENV, "").strip().lower()
    if forced:
        return forced not in _FALSE
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        locale = env.get(name, "")
        if locale:
            if "." not in locale:
                return False
            charset = locale.split(".", 1)[1].split("@", 1)[0].lower().replace("-", "")
            return charset != "utf8"
    return False

"""`credits-server` with what differs from run to run made predictable, for snapshot tests (see
tests/screens/pinned_server.py). Run as a script; nothing else of the server is changed:
- ids count up per kind (`tu_00000000000000000001`, ...) instead of being random;
- support references count up (`SR-000001`, ...);
- payment links' tokens count up (`0000000000000000000001`, ...), so their URLs and QR codes are
  the same in every run;
- the sign-in clock (failures, their Retry-After, session expiry) stands at the start-up instant,
  so a lock-out answers `Retry-After: <login window>` however long the attempts took.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from types import SimpleNamespace


def serve_pinned() -> int:
    import credits_server.ids

    counters: defaultdict[str, Iterator[int]] = defaultdict(lambda: itertools.count(1))

    def pinned_id(prefix: str) -> str:
        return f"{prefix}_{next(counters[prefix]):020x}"

    # Before any module that imports it by name (`from credits_server.ids import new_id`) is loaded.
    credits_server.ids.new_id = pinned_id

    import credits_server.services.auth as auth
    import credits_server.services.payment_links as payment_links
    import credits_server.services.support as support

    references = itertools.count(1)
    support.secrets = SimpleNamespace(token_hex=lambda length: f"{next(references):0{2 * length}d}")
    tokens = itertools.count(1)
    payment_links.new_token = lambda: f"{next(tokens):022d}"
    started = auth.utcnow()
    auth.utcnow = lambda: started

    from credits_server.cli import main

    return main()


if __name__ == "__main__":
    raise SystemExit(serve_pinned())

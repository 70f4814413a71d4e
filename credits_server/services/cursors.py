"""The opaque cursor of a keyset-paged list: the last row's id, tagged with the list's prefix so
a cursor of one list is refused by another (422 `invalid_cursor`, as any other bad cursor)."""

from __future__ import annotations

import base64
import binascii

from credits_server.errors import FieldProblem, invalid


def encode_cursor(prefix: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{prefix}:{row_id}".encode()).decode().rstrip("=")


def decode_cursor(prefix: str, cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        found, _, value = raw.partition(":")
        if found != prefix:
            raise ValueError(raw)
        return int(value)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise invalid(
            [FieldProblem("cursor", "invalid_cursor", "This cursor is not valid.")]
        ) from None

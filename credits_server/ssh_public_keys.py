"""SSH public keys in OpenSSH's one-line form (`type base64 [comment]`): checked, and fingerprinted
the way `ssh-keygen -l` prints them (SHA256:, unpadded base64 of the key blob's SHA-256)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from credits_server.errors import FieldProblem, invalid

# Key types OpenSSH offers today; DSA and certificates are not accepted.
KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)
_MAX_BLOB = 4096  # an RSA-16384 key is about 2 KiB


@dataclass(frozen=True, slots=True)
class PublicKey:
    kind: str
    blob: bytes
    comment: str

    @property
    def openssh(self) -> str:
        """`type base64`, without the comment: how the key is stored and compared."""
        return f"{self.kind} {base64.b64encode(self.blob).decode()}"

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(self.blob).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def _problem(message: str) -> Exception:
    return invalid([FieldProblem("public_key", "invalid_ssh_key", message)], message)


def parse_public_key(text: str) -> PublicKey:
    """The key in `text` (one line, as in `id_ed25519.pub`); a validation error otherwise."""
    parts = text.strip().split(maxsplit=2)
    if len(parts) < 2 or "\n" in text.strip():
        raise _problem("Paste one public key line, such as the contents of ~/.ssh/id_ed25519.pub.")
    kind, encoded = parts[0], parts[1]
    if kind not in KEY_TYPES:
        raise _problem(f"Key type {kind[:40]!r} is not accepted; use ssh-ed25519, RSA or ECDSA.")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _problem("The key's base64 part is damaged.") from None
    if not 0 < len(blob) <= _MAX_BLOB or _embedded_kind(blob) != kind:
        raise _problem("The key's data does not match its type.")
    comment = parts[2].strip()[:200] if len(parts) == 3 else ""
    return PublicKey(kind, blob, comment)


def _embedded_kind(blob: bytes) -> str | None:
    """The type name a key blob starts with (a length-prefixed string), or None."""
    if len(blob) < 4:
        return None
    (length,) = struct.unpack(">I", blob[:4])
    name = blob[4 : 4 + length]
    if len(name) != length:
        return None
    try:
        return name.decode("ascii")
    except UnicodeDecodeError:
        return None

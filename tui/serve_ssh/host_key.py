"""The server's host key: made once (ed25519, 0600) and its fingerprint printed at every start, for
the operator to publish so people can check it on their first connection."""

from __future__ import annotations

import os
from pathlib import Path

import asyncssh


def load_or_create(path: Path) -> asyncssh.SSHKey:
    if path.exists():
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)  # a copy restored with wider modes: the key must stay private
        return asyncssh.read_private_key(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="credits-tui serve-ssh")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.export_private_key())
    return key


def fingerprint(key: asyncssh.SSHKey) -> str:
    """As `ssh-keygen -l` and the client's first-connection prompt show it (SHA256:...)."""
    return key.get_fingerprint("sha256")

"""The address a request comes from, for sign-in throttling.

The connection's peer, unless that peer is one of the `trusted_proxies`: then X-Forwarded-For is
read from the right, skipping the trusted proxies, and the first other address is the client's
(anything left of it may have been written by the client itself)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOCAL = "local"  # a Unix domain socket has no peer address


def networks(entries: Sequence[str]) -> list[Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def _trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(request: Request, trusted: Sequence[Network]) -> str:
    peer = request.client.host if request.client else LOCAL
    if not _trusted(peer, trusted):
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop[:64]
    return peer

"""Where a webhook may go (SSRF defence): https only (http only to loopback, when the operator's
test setting allows it), and no private, loopback, link-local or reserved address unless the
operator lists its network. The URL is checked when a target is added; the addresses when each
request connects (webhook.GuardedBackend), so a name that later resolves elsewhere is caught."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from credits_server.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class DeliveryFailed(Exception):
    """The receiver did not take the message; the text says what happened."""


class Refused(DeliveryFailed):
    """A webhook URL or address the server will not call; the text says why."""


def check_url(settings: Settings, url: str) -> str:
    """The URL if a webhook may be sent to it, else Refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise Refused("Enter an https:// URL.")
    if parts.username or parts.password:
        raise Refused("A webhook URL may not carry a user name or password.")
    if parts.scheme == "http":
        host = _literal(parts.hostname)
        local = parts.hostname == "localhost" or (host is not None and host.is_loopback)
        if not (settings.webhook_allow_http and local):
            raise Refused("Webhook URLs must use https://.")
    host = _literal(parts.hostname)
    if host is not None:
        check_address(settings, str(host), parts.scheme)
    return url


def check_address(settings: Settings, address: str, scheme: str) -> None:
    """Refused unless a webhook request may connect to `address`."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if scheme == "http":
        if settings.webhook_allow_http and ip.is_loopback:
            return
        raise Refused(f"http:// may only reach a loopback address, not {ip}.")
    if any(
        ip in ipaddress.ip_network(net, strict=False) for net in settings.webhook_allowed_networks
    ):
        return
    if settings.webhook_allow_http and ip.is_loopback:
        return
    if not ip.is_global or ip.is_multicast:
        raise Refused(f"The address {ip} is private, local or reserved.")


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None

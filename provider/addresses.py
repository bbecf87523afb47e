"""Which addresses the panel may send a provider's key to.

A provider URL is http or https with a host. Unless private addresses are allowed (the
`PROVIDER_ALLOW_PRIVATE_URLS` setting: on for `make run` and the tests, where the upstream is
the local sandbox), the host must be a public address: never loopback, private, link-local,
shared (CGNAT), unspecified, multicast or reserved, so that whoever can edit a provider cannot
make the panel reach its own internal services.

The host is judged by what the system resolver makes of it, as that is what a connection
would use: `2130706433`, `0177.0.0.1`, `0x7f.1` and `[::ffff:127.0.0.1]` all mean 127.0.0.1.
Checking a URL when it is saved gives the admin a clear answer; `provider.client` checks the
address each connection actually reached, so a name that resolves elsewhere later (DNS
rebinding) is refused too. No Django here.
"""

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

# NAT64 (RFC 6052) maps IPv4 into IPv6; the IPv4 address inside is what gets reached.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[[str], list[str]]


class UnsafeUrl(ValueError):
    """A provider URL the panel must not send a key to; the message says why."""


def is_public_address(address: str) -> bool:
    """Whether an IP address (as text, an IPv6 zone allowed) is globally routable unicast."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    elif ip.version == 6 and ip in _NAT64:
        ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not ip.is_multicast


def system_resolve(host: str) -> list[str]:
    """Every address the system resolver gives for `host` (a name or any IP literal form)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise UnsafeUrl(f"the host {host} cannot be resolved ({exc}); check the address") from None
    return [info[4][0] for info in infos]


def check_provider_url(url: str, *, allow_private: bool,
                       resolve: Resolver = system_resolve) -> None:
    """Raise UnsafeUrl unless `url` is http(s) with a host and, unless `allow_private`,
    every address that host resolves to is public."""
    try:
        parts = urlsplit(url)
        port = parts.port  # a port out of range or not a number raises here
    except ValueError:
        raise UnsafeUrl("not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise UnsafeUrl("the provider URL must be an http:// or https:// URL with a host")
    if allow_private:
        return
    for address in resolve(parts.hostname):
        if not is_public_address(address):
            raise UnsafeUrl(
                f"{parts.hostname} is {address}, a loopback, private or reserved address; "
                "provider URLs must be public (PROVIDER_ALLOW_PRIVATE_URLS allows others)")

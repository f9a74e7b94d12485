"""Which address a request came from, believing X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

import ipaddress

Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def within(address: str, networks: Networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(remote: str | None, forwarded_for: str, proxies: Networks) -> str:
    """The client's address: the connection's peer, unless that is a trusted proxy, then the
    rightmost address in ``forwarded_for`` that a trusted proxy did not add."""
    peer = remote or "unknown"
    if not proxies or not within(peer, proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not within(hop, proxies):
            return hop
    return peer

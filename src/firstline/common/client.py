"""The address of the client behind a request, through the proxies the deployment trusts.

Every count kept per client (failed sign-ins, wrong API tokens, self-registrations) goes through
`client_address`, so that they all agree on who the client is. It lives in `common` because both
the API and the pages use it, and neither may import the other.

Behind a reverse proxy, REMOTE_ADDR is the proxy's address for every resident: the real client is in
X-Forwarded-For. That header is written by whoever sent the request, so it is believed only as far
as it was written by proxies listed in FIRSTLINE_TRUSTED_PROXIES: the list is walked from the right
(the entry the nearest proxy appended) and the first address that is not a trusted proxy is the
client. With no trusted proxy configured the header is ignored.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted if entry.strip())


def _parse(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client seen on a dual-stack socket as ::ffff:a.b.c.d is the same client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def trusted_proxies() -> tuple[Network, ...]:
    """The networks of FIRSTLINE_TRUSTED_PROXIES (IPs or CIDRs)."""
    return _networks(tuple(getattr(settings, "FIRSTLINE_TRUSTED_PROXIES", ())))


def client_address(request) -> str:
    """The client's IP address as a string; "" when the request carries none."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return ""
    proxies = trusted_proxies()
    address = remote
    if proxies:
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        while any(address in network for network in proxies) and hops:
            hop = _parse(hops.pop())
            if hop is None:
                # A trusted proxy writes the address it saw; anything else here cannot be believed, so
                # the last address known to be real stands for the client.
                break
            address = hop
    return str(address)

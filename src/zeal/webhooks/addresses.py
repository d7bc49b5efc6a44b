"""Where a webhook may point: an http(s) URL whose host resolves only to public addresses.

A platform names the URL, and Zeal's worker calls it from inside the operator's network, so a
URL that reaches loopback, private, link-local (cloud metadata) or reserved addresses is refused
(server-side request forgery), unless `ZEAL_WEBHOOK_ALLOW_PRIVATE` is set (tests, a laptop). The
worker checks again when it connects, and connects to the address it checked, so a name that
changes its answer later (DNS rebinding) cannot slip past.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from zeal.webhooks.errors import WebhookUrlRefused

MAX_URL_LENGTH = 2048


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as named in the URL: the Host header and TLS server name
    port: int
    path: str  # with the query
    address: str  # the checked address to connect to


def check_url(url: str) -> SplitResult:
    """The URL's parts when its form is acceptable (no address lookup)."""
    if len(url) > MAX_URL_LENGTH:
        raise WebhookUrlRefused(f"A webhook URL has at most {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        raise WebhookUrlRefused(f"'{url}' is not a URL: {error}.") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookUrlRefused("A webhook URL starts with https:// (or http://) and a host.")
    if parts.username or parts.password:
        raise WebhookUrlRefused("A webhook URL carries no user name or password.")
    if parts.fragment:
        raise WebhookUrlRefused("A webhook URL has no #fragment.")
    return parts


def resolve(url: str, *, allow_private: bool) -> Target:
    """Where to send to: the URL's host resolved, every address checked."""
    parts = check_url(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise WebhookUrlRefused(
            f"The host '{host}' of the webhook URL does not resolve."
        ) from error
    addresses = [str(info[4][0]) for info in infos]
    if not allow_private:
        for address in addresses:
            if not _public(address):
                raise WebhookUrlRefused(
                    f"The host '{host}' resolves to {address}, a loopback, private or reserved "
                    "address; webhooks go to public addresses only."
                )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses[0])


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast

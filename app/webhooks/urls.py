"""Where a webhook may go (server-side request forgery): https only in production, http only to
loopback in development; never to private, link-local, multicast or reserved addresses. Checked
when an endpoint is saved and again before every delivery, since DNS answers change."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
RESOLVE_SECONDS = 3.0
type Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedUrl(ValueError):
    """The URL is malformed or points somewhere webhooks may not go; the message says why."""


async def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (tests replace this)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _refusal(address: Address, production: bool) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "a loopback address (allowed in development only)" if production else None
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private or address.is_reserved or address.is_unspecified:
        return "a private or reserved address"
    if not address.is_global:
        return "an address that is not public"
    return None


def parse(url: str, production: bool) -> tuple[str, int, str]:
    """``(scheme, port, host)`` of a well-formed URL webhooks may use; ``RefusedUrl`` if not."""
    if len(url) > MAX_URL_LENGTH:
        raise RefusedUrl(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise RefusedUrl("The URL is malformed.") from None
    host = parts.hostname
    if parts.scheme not in ("https", "http") or not host:
        raise RefusedUrl("Use an absolute https:// URL.")
    if parts.username is not None or parts.password is not None:
        raise RefusedUrl("The URL may not carry a user name or password.")
    if parts.fragment:
        raise RefusedUrl("The URL may not have a #fragment.")
    if parts.scheme == "http" and production:
        raise RefusedUrl("Production webhooks use https.")
    return parts.scheme, port or (443 if parts.scheme == "https" else 80), host


async def check(url: str, production: bool) -> list[str]:
    """The addresses the URL reaches, all allowed; ``RefusedUrl`` otherwise."""
    scheme, port, host = parse(url, production)
    try:
        literal: Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    try:
        if literal is not None:
            addresses = [str(literal)]
        else:
            addresses = await asyncio.wait_for(resolve(host, port), RESOLVE_SECONDS)
    except (OSError, TimeoutError):
        raise RefusedUrl(f"{host} does not resolve.") from None
    if not addresses:
        raise RefusedUrl(f"{host} does not resolve.")
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        reason = _refusal(address, production)
        if reason is not None:
            raise RefusedUrl(f"{host} resolves to {reason}: webhooks may not go there.")
        if scheme == "http" and not address.is_loopback:
            raise RefusedUrl("Plain http is allowed only to loopback, in development.")
    return addresses

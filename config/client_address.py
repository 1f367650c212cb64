"""The address a request came from, as the agency's own proxies saw it.

`X-Forwarded-For` is a list each proxy appends to: whatever the client wrote comes first, then
one address per proxy, the one each proxy received the request from. Only the entries the
agency's proxies appended can be trusted, so with `TRUSTED_PROXIES` = N the client is the Nth
entry from the right; with 0 (no proxy in front) the header is ignored and the socket's address
counts. The throttles and the sign-in lockout count by this address alone: a client that sends
a new made-up header with every request gets no new allowance.

An IPv6 client counts as its /64 network: that is what one subscriber is given, and a client
can take a new address of it per request (privacy extensions do so on their own). An
IPv4-mapped IPv6 address (`::ffff:203.0.113.7`, an IPv4 client of an IPv6 socket) is that IPv4
address, so one client is one counter whichever socket it reached.
"""

import ipaddress
import logging
import re

from django.conf import settings

logger = logging.getLogger(__name__)

# `[v6]:port`, `[v6]` or `v4:port`, as some proxies write the client's port too.
_BRACKETED = re.compile(r"\[(?P<host>[^\]]+)\](?::(?P<port>\d{1,5}))?")
_V4_WITH_PORT = re.compile(r"(?P<host>[0-9.]+):(?P<port>\d{1,5})")

_warned_malformed = False


def _parse(text):
    """The IP address an entry names, with or without a port; None when it names none."""
    text = text.strip()
    bracketed = _BRACKETED.fullmatch(text)
    with_port = bracketed or _V4_WITH_PORT.fullmatch(text)
    if with_port is not None:
        if with_port["port"] is not None and int(with_port["port"]) > 65535:
            return None
        text = with_port["host"]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # Brackets enclose an IPv6 address only (RFC 3986).
    if bracketed is not None and address.version != 6:
        return None
    return address


def _counted(address):
    """What the counters key on: an IPv4 address, or an IPv6 client's /64 network."""
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _warn_malformed(entry):
    global _warned_malformed
    if _warned_malformed:
        return
    _warned_malformed = True
    # Every request then counts as the proxy itself: all clients share one allowance. Once per
    # process, so a misconfigured proxy does not flood the log.
    logger.warning(
        "X-Forwarded-For entry %r written by a trusted proxy is not an IP address; counting the "
        "socket's address instead. Check TRUSTED_PROXIES and the proxy's header.",
        entry[:100],
    )


def client_address(request):
    """Who is counted for this request: the outermost trusted proxy's view of the client (an
    IPv4 address, or an IPv6 client's /64 network, as text); the socket's address when there is
    no trusted proxy or the header has fewer entries than proxies."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        entries = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        if len(entries) >= proxies:
            # A trusted proxy writes an address; anything else means the header is not theirs.
            seen = _parse(entries[-proxies])
            if seen is not None:
                return _counted(seen)
            _warn_malformed(entries[-proxies].strip())
    socket = _parse(remote)
    return remote if socket is None else _counted(socket)

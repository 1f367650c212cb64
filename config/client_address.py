"""The address a request came from, as the agency's own proxies saw it.

`X-Forwarded-For` is a list each proxy appends to: whatever the client wrote comes first, then
one address per proxy, the one each proxy received the request from. Only the entries the
agency's proxies appended can be trusted, so with `TRUSTED_PROXIES` = N the client is the Nth
entry from the right; with 0 (no proxy in front) the header is ignored and the socket's address
counts. The throttles and the sign-in lockout count by this address alone: a client that sends
a new made-up header with every request gets no new allowance.
"""

import ipaddress

from django.conf import settings


def _address(text):
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request):
    """The outermost trusted proxy's view of the client (an IP address as text); the socket's
    address when there is no trusted proxy or the header has fewer entries than proxies."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        entries = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        if len(entries) >= proxies:
            # A trusted proxy writes an address; anything else means the header is not theirs.
            seen = _address(entries[-proxies])
            if seen is not None:
                return seen
    return remote

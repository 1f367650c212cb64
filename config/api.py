"""The API frame: pagination and throttling shared by every endpoint."""

import functools
import logging
import weakref

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import SimpleRateThrottle

from .cache_outage import CACHE_UNREACHABLE
from .client_address import client_address

logger = logging.getLogger(__name__)


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


_COUNT_SCRIPT = """
local counted = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return {counted, redis.call('GET', KEYS[2])}
"""
_scripts = weakref.WeakKeyDictionary()


def _redis_count(cache):
    """The counting script bound to one client of this cache backend's connection pool, kept
    for the backend's life (Django makes a new client object per call, which costs more CPU
    than the exchange itself)."""
    script = _scripts.get(cache)
    if script is None:
        script = _scripts[cache] = cache._cache.get_client(write=True).register_script(_COUNT_SCRIPT)
    return script


class JsonOnly(BaseContentNegotiation):
    """For endpoints that only ever answer JSON: the first renderer, without parsing the
    client's Accept header (DRF's documented IgnoreClientContentNegotiation)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return (renderers[0], renderers[0].media_type)


@functools.lru_cache(maxsize=16)
def _parsed_rate(rate):
    """(requests, seconds) of a DRF rate such as `60/minute`; parsed once per distinct rate."""
    return SimpleRateThrottle.parse_rate(None, rate)


class CountingThrottle(SimpleRateThrottle):
    """A sliding-window rate limit kept as two counters in the shared cache.

    DRF's own throttle stores the timestamp of every request of the last period in one cache
    entry, read and rewritten whole by each request: its cost grows with the rate (at a few
    hundred requests a second the entry holds tens of thousands of floats, unpickled and
    pickled per request), and two simultaneous requests both rewrite it, so counts are lost.
    Here each fixed window has a counter raised by the cache's own increment, and the
    previous window's count is weighed by the share of it the sliding period still covers
    (the usual sliding-window estimate): constant cost, no lost counts, and the same rate
    semantics within a request or two at a window's edge. Only allowed requests are counted,
    as in DRF.

    When the cache cannot be reached, requests are let through (fail open) and each one that
    could not be counted logs an error: during an outage, verification and the rest of the API
    staying available matter more than their rate limits. (The sign-in lockout, which guards
    passwords, refuses instead: accounts/lockout.py.)
    """

    @property
    def cache(self):
        # The backend itself (DRF's is a proxy, which hides whether it is Redis).
        return caches["default"]

    def __init__(self):
        # The rate is read from settings per request, so settings overrides apply at once;
        # parsing it is cached.
        self.rate = self.get_rate()
        self.num_requests, self.duration = _parsed_rate(self.rate)

    def allow_request(self, request, view):
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window, position = divmod(self.now, self.duration)
        current, previous = "%s:%d" % (self.key, window), "%s:%d" % (self.key, window - 1)
        # Count first, then judge, so an allowed request costs one exchange with the cache;
        # a refused one takes its count back (DRF counts only allowed requests too).
        try:
            counted, before = self._count(current, previous)
        except CACHE_UNREACHABLE as exc:
            logger.error("The rate limit's cache is unreachable, so %s requests are not rate-limited: %s",
                         self.scope, exc)
            return True
        estimate = before * (1 - position / self.duration) + counted - 1
        if estimate >= self.num_requests:
            self._uncount(current)
            self.wait_seconds = self._wait(before, counted - 1, position)
            return False
        return True

    def _count(self, current, previous):
        """Raise this window's counter; answer (its new value, the previous window's count).
        The counter lives two windows: the next window still reads it as its previous."""
        lifetime = 2 * self.duration + 1
        cache = self.cache
        if isinstance(cache, RedisCache):
            # One round trip (Django's incr takes two, and a fresh client per call).
            counted, before = _redis_count(cache)(
                keys=[cache.make_and_validate_key(current), cache.make_and_validate_key(previous)], args=[lifetime]
            )
            return int(counted), int(before or 0)
        before = cache.get(previous, 0)
        if cache.add(current, 1, timeout=lifetime):
            return 1, before
        try:
            return cache.incr(current), before
        except ValueError:
            # Expired between the add and the increment: the window starts again.
            cache.set(current, 1, timeout=lifetime)
            return 1, before

    def _uncount(self, current):
        try:
            self.cache.decr(current)
        except (ValueError, *CACHE_UNREACHABLE):
            # Gone, or unreachable since it was counted: the refusal stands either way.
            pass

    def _wait(self, previous, current, position):
        """Seconds until the estimate falls below the limit, or until the window turns."""
        if current >= self.num_requests or previous == 0:
            return self.duration - position
        # previous * (1 - t / duration) + current < limit  ⇔  t > duration * (1 - (limit - current) / previous)
        needed = self.duration * (1 - (self.num_requests - current) / previous)
        return max(needed - position, 1)

    def wait(self):
        return getattr(self, "wait_seconds", None)


class AnonThrottle(CountingThrottle):
    """Anonymous clients, by address, at THROTTLE_ANON; signed-in clients pass."""

    scope = "anon"

    def get_rate(self):
        return settings.THROTTLE_ANON

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return "throttle:anon:%s" % self.get_ident(request)

    def get_ident(self, request):
        # DRF's own takes the first X-Forwarded-For entry, which the client chooses.
        return client_address(request)


class UserThrottle(CountingThrottle):
    """Signed-in clients, by account, at THROTTLE_USER. Anonymous clients are AnonThrottle's:
    DRF's UserRateThrottle would count them a second time by address, one more cache round
    trip on every public request for a limit the anonymous one already sets lower."""

    scope = "user"

    def get_rate(self):
        return settings.THROTTLE_USER

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return "throttle:user:%s" % request.user.pk
        return None

"""The agency's business-day calendar as configured: Ontario holidays plus the closure days
stored in the database, cached in each process.

Web and worker processes each keep their own copy. A version token in the shared cache
(Redis in production) tells them when closure days changed: every read compares the token,
one cache round trip, and rebuilds when it differs. The token changes only after the change
is committed (`calendar_changed`, called on commit by the closure-day services), so a process
never caches a calendar built from uncommitted or rolled-back closure days. A missing token
(cache cleared or evicted) only causes a rebuild.
"""

import logging
import threading
import uuid

from django.core.cache import cache

from .clock import BusinessCalendar

logger = logging.getLogger(__name__)

VERSION_KEY = "assessment:calendar:version"

_lock = threading.Lock()
_cached: tuple[str, BusinessCalendar] | None = None


def _current_version() -> str | None:
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
        return version
    except Exception:
        # Without the shared cache a cached calendar could be stale: build a fresh one.
        logger.warning("Calendar version unavailable; building the calendar afresh", exc_info=True)
        return None


def calendar_build() -> BusinessCalendar:
    """A new calendar from the closure days in the database (bypasses the cache)."""
    from .models import ClosureDay

    return BusinessCalendar(closure_days=ClosureDay.objects.values_list("date", flat=True))


def agency_calendar() -> BusinessCalendar:
    """The calendar every clock computation uses. Read it once per request or sweep and pass
    it to the clock's functions."""
    global _cached
    version = _current_version()
    cached = _cached
    if version is not None and cached is not None and cached[0] == version:
        return cached[1]
    # The version is read before the closure days, so a change committed in between makes
    # the next read rebuild again rather than keep a stale calendar.
    calendar = calendar_build()
    if version is not None:
        with _lock:
            _cached = (version, calendar)
    return calendar


def calendar_changed() -> None:
    """Closure days changed: every process rebuilds its calendar on its next read."""
    global _cached
    with _lock:
        _cached = None
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.error("Could not publish the calendar change to other processes", exc_info=True)

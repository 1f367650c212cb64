"""Failed sign-ins, counted per account and per client address; past a limit, refused for a while.

`LOGIN_FAILURE_LIMIT` failures within `LOGIN_LOCKOUT_SECONDS` (15 minutes) for one account, or
from one client address whatever the accounts, and further attempts are refused for 15 minutes:
on the sign-in page (password and second-factor steps), on `POST /api/v1/auth/token/`, and,
in counters of their own, for password reset requests.

Counters in the shared cache rather than django-axes: the lockout has to count by the same
client address as the API throttle (`config.client_address`, which honours `TRUSTED_PROXIES`)
and in the store every web process already shares for that throttle (Redis in production;
tests clear it between tests). axes resolves addresses its own way, keeps its records in the
database and hooks Django's authentication signals, which a wrong second-factor code or a reset
request never sends. Here each account and each address has one counter that lives 15 minutes
from its first failure, and a flag that refuses for 15 minutes once the counter reaches the
limit: a few cache operations per attempt, nothing to clean up.

An attempt is counted *before* the password is checked and taken back if it turns out not to
be a failure: a burst of simultaneous guesses cannot all pass the check before any of them is
counted, and an attempt refused by the lockout never reaches the password check (a correct
password during the lockout is refused too). When the cache cannot be reached an attempt is
refused too (503, SignInUnavailable) and the password is not checked: an attempt that cannot be
counted could be one of any number.

Accounts are keyed by a digest of the email as sign-in looks it up (`canonical_email`), so an
address typed for an account that does not exist is counted like any other (the answer does not
tell which accounts exist).
"""

import contextlib
import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext, ngettext

from config.cache_outage import CACHE_UNREACHABLE
from config.errors import DomainError

from .models import canonical_email

logger = logging.getLogger(__name__)

SIGN_IN = "sign-in"
PASSWORD_RESET = "reset"

# How long a client is told to wait (Retry-After) while the counters cannot be reached.
UNAVAILABLE_RETRY_SECONDS = 30


class AttemptRefused(DomainError):
    """The attempt was refused before anything was checked."""


class TooManyFailures(AttemptRefused):
    """The account or the client address reached the limit: answered 429, with the seconds
    until the lock ends as Retry-After."""

    status_code = 429

    def __init__(self, scope=SIGN_IN, *, retry_after=None):
        self.retry_after = max(1, math.ceil(retry_after or settings.LOGIN_LOCKOUT_SECONDS))
        minutes = math.ceil(self.retry_after / 60)
        if scope == PASSWORD_RESET:
            message = ngettext(
                "Too many password reset requests. Try again in %(minutes)d minute.",
                "Too many password reset requests. Try again in %(minutes)d minutes.",
                minutes,
            )
        else:
            message = ngettext(
                "Too many failed sign-ins. Try again in %(minutes)d minute.",
                "Too many failed sign-ins. Try again in %(minutes)d minutes.",
                minutes,
            )
        super().__init__(message % {"minutes": minutes})


class SignInUnavailable(AttemptRefused):
    """The counters cannot be reached (the cache is down): answered 503. Refused rather than let
    through, since an attempt that cannot be counted could be one of an unlimited number."""

    status_code = 503
    retry_after = UNAVAILABLE_RETRY_SECONDS

    def __init__(self, scope=SIGN_IN):
        if scope == PASSWORD_RESET:
            message = gettext("Password reset is unavailable for a moment; try again shortly.")
        else:
            message = gettext("Signing in is unavailable for a moment; try again shortly.")
        super().__init__(message)


@contextlib.contextmanager
def _counters(scope):
    """Cache operations of the lockout: an unreachable cache refuses the attempt (fail closed)."""
    try:
        yield
    except CACHE_UNREACHABLE as exc:
        logger.error("The sign-in lockout's counters are unreachable, so attempts are refused: %s", exc)
        raise SignInUnavailable(scope) from exc


def _account_ident(email):
    # The account as sign-in finds it (canonical_email): one spelling, one counter.
    return hashlib.sha256(canonical_email(email).encode()).hexdigest()[:32]


def _keys(scope, kind, ident):
    return "lockout:%s:%s:%s:count" % (scope, kind, ident), "lockout:%s:%s:%s:locked" % (scope, kind, ident)


def _raise(key, period):
    """Raise a counter that lives `period` seconds from its first count; its new value."""
    cache.add(key, 0, timeout=period)
    try:
        return cache.incr(key)
    except ValueError:
        # It expired between the add and the increment: a new period starts.
        cache.set(key, 1, timeout=period)
        return 1


def _lower(key):
    try:
        cache.decr(key)
    except ValueError:
        pass


def _lock(key, period):
    # The flag holds when it ends, so a refusal can say how long is left.
    cache.set(key, time.time() + period, timeout=period)


def _seconds_left(flags, period):
    ends = [value for value in flags if isinstance(value, float)]
    return min(period, max(ends) - time.time()) if ends else period


class SignInAttempt:
    """One attempt to prove who one is, by an account (its email) from a client address.

    `begin()` refuses (TooManyFailures, or SignInUnavailable when the counters cannot be
    reached) or counts the attempt; then exactly one of `failed()`, `passed()` (a step was
    right but the sign-in is not finished: the password before the second factor) or
    `succeeded()` says how it ended. Each of them may raise SignInUnavailable too.
    """

    def __init__(self, *, account, address, scope=SIGN_IN):
        self.scope = scope
        self.keys = {
            "account": _keys(scope, "account", _account_ident(account)),
            "address": _keys(scope, "address", address or "unknown"),
        }
        self.counts = {}

    def begin(self):
        with _counters(self.scope):
            return self._begin()

    def _begin(self):
        limit = settings.LOGIN_FAILURE_LIMIT
        period = settings.LOGIN_LOCKOUT_SECONDS
        flags = cache.get_many([locked for _, locked in self.keys.values()])
        if flags:
            raise TooManyFailures(self.scope, retry_after=_seconds_left(flags.values(), period))
        self.counts = {kind: _raise(count, period) for kind, (count, _) in self.keys.items()}
        over = [kind for kind, counted in self.counts.items() if counted > limit]
        if over:
            # Simultaneous attempts past the limit: refused like those after the lock was set.
            for kind in over:
                _lock(self.keys[kind][1], period)
            self._take_back()
            raise TooManyFailures(self.scope, retry_after=period)
        return self

    def failed(self):
        """The attempt was counted by begin(); reaching the limit locks from now on."""
        with _counters(self.scope):
            for kind, counted in self.counts.items():
                if counted >= settings.LOGIN_FAILURE_LIMIT:
                    _lock(self.keys[kind][1], settings.LOGIN_LOCKOUT_SECONDS)

    def passed(self):
        """Not a failure: take the count back."""
        with _counters(self.scope):
            self._take_back()

    def _take_back(self):
        for count, _ in self.keys.values():
            _lower(count)
        self.counts = {}

    def succeeded(self):
        """Signed in: the account's failures are forgiven; the address's others still count."""
        with _counters(self.scope):
            cache.delete_many(list(self.keys["account"]))
            _lower(self.keys["address"][0])
        self.counts = {}


def account_failures_clear(*, email):
    """A new password (by reset): the account starts again with no failed sign-ins. With the
    cache unreachable they stay until they expire: the password is set all the same."""
    try:
        cache.delete_many(list(_keys(SIGN_IN, "account", _account_ident(email))))
    except CACHE_UNREACHABLE as exc:
        logger.warning("Failed sign-ins of an account whose password was reset not cleared: %s", exc)

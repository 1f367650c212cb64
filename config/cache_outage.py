"""The shared cache (Redis) being unreachable, as its client reports it.

Each user of the cache decides what an outage means: the sign-in lockout refuses attempts (it
fails closed: accounts/lockout.py), the API throttles let requests through (they fail open:
config/api.py). Only a failure to reach the cache counts; any other error of the cache is a
fault to see, not an outage.
"""

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

CACHE_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)

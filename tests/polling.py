"""Waiting for what a real worker does in its own process (tests that use `celery_worker`)."""

import time


def wait_for(condition, timeout=20):
    """True once `condition()` holds, False if it still does not after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False

"""Browser tests: Debian's Chromium driven by Playwright against a live server.

No browser download is possible here, so Playwright launches /usr/bin/chromium (the setup
installs the Debian package). Screenshots of the key pages land in test-artifacts/e2e/.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM_PATH", shutil.which("chromium") or "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"



@pytest.fixture
def browser(monkeypatch):
    """A browser per test. Playwright's sync API keeps an asyncio loop running in this thread
    while it lives; a longer-lived browser would leave that loop running under later tests,
    where asyncio.run (pyHanko, for one) then fails."""
    from playwright.sync_api import sync_playwright

    # The ORM calls a test makes while the loop runs are synchronous and safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
        # A query the test made while Playwright's loop ran opened a connection that the
        # test database's teardown would otherwise find still open.
        connections.close_all()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(ARTIFACTS / (name + ".png")), full_page=True)

    return take

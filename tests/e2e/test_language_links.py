"""Every main page links to the same page in the other language (issue 15): each role walks its
main pages (test_accessibility.PAGES, as they open), follows the header's language link to the
French page under /fr/ and back, and each page says its language (`lang` en-CA / fr-CA).

Following the link is a person's choice of language: a signed-in person's account keeps it,
so the walk comes back to English by the same link before the next page.
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .test_accessibility import HTML_LANG, PAGES, localised, signed_in_context

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# The link's text names the other language in that language.
LINK_TEXT = {"en": "English", "fr": "Français"}
ROLES = sorted({spec.role or "" for spec in PAGES})


def address(url):
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def follow_language_link(page, to):
    link = page.get_by_role("banner").get_by_role("link", name=LINK_TEXT[to], exact=True)
    expect(link).to_have_attribute("hreflang", to)
    expect(link).to_have_attribute("lang", to)
    link.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("role", ROLES, ids=[role or "visitor" for role in ROLES])
def test_each_main_page_links_to_itself_in_the_other_language(browser, live_server, world, role):
    # The pages as they open (a `prepare` step posts a form: its result page is not an address),
    # each address once; the start page with reviews due is the start page.
    specs = [spec for spec in PAGES if (spec.role or "") == role and spec.prepare is None
             and spec.name != "start-provider-reviews-due"]
    paths = list(dict.fromkeys(spec.path(world) if callable(spec.path) else spec.path for spec in specs))
    assert paths, role
    context = signed_in_context(browser, live_server, world, role or None, "en")
    walked = []
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        for path in paths:
            response = page.goto(path)
            assert response.ok, "%s answered %d" % (path, response.status)
            assert address(page.url) == path
            expect(page.locator("html")).to_have_attribute("lang", HTML_LANG["en"])

            follow_language_link(page, "fr")
            assert address(page.url) == localised(path, "fr"), "%s: the French link opened %s" % (path, page.url)
            expect(page.locator("html")).to_have_attribute("lang", HTML_LANG["fr"])

            follow_language_link(page, "en")
            assert address(page.url) == path, "%s: the English link opened %s" % (localised(path, "fr"), page.url)
            expect(page.locator("html")).to_have_attribute("lang", HTML_LANG["en"])
            walked.append(path)
    finally:
        context.close()
    assert walked == paths

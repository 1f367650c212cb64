"""The policy in a real browser: Chromium loads each main page (the accessibility test's list),
the interactive docs and the scripts' pages in use, and reports no Content-Security-Policy
violation on the console or as a `securitypolicyviolation` event."""

import pytest

from tests.assessment.workflow_helpers import Cast
from tests.factories import PASSWORD, UserFactory

from .test_accessibility import PAGES, sign_in_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Recorded by the browser before any page script runs (an init script is not subject to the policy).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
                           " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


def _watch(context):
    context.add_init_script(RECORD_VIOLATIONS)
    messages = []
    context.on("console", lambda message: messages.append(message.text)
               if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    return messages


def _visit(page, path):
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    return response


def test_the_main_pages_run_without_a_policy_violation(browser, live_server, world):
    violations = {}
    for spec in PAGES:
        context = browser.new_context(base_url=live_server.url)
        try:
            messages = _watch(context)
            if spec.role == "provider":
                sign_in_cookie(context, live_server, world["provider"])
            elif spec.role:
                sign_in_cookie(context, live_server, UserFactory(role=spec.role, password=PASSWORD))
            page = context.new_page()
            page.set_default_timeout(15_000)
            response = _visit(page, spec.path(world) if callable(spec.path) else spec.path)
            assert response.headers.get("content-security-policy"), spec.name
            if spec.prepare:
                spec.prepare(page, world)
                page.wait_for_load_state("networkidle")
            found = messages + page.evaluate("window.__violations")
        finally:
            context.close()
        if found:
            violations[spec.name] = found
    assert violations == {}


def test_the_django_admin_runs_without_a_policy_violation(browser, live_server, world):
    context = browser.new_context(base_url=live_server.url)
    found = {}
    try:
        messages = _watch(context)
        sign_in_cookie(context, live_server, UserFactory(role="admin", password=PASSWORD))
        page = context.new_page()
        page.set_default_timeout(15_000)
        for path in ("/admin/", "/admin/credentials/microcredential/",
                     "/admin/credentials/microcredential/%d/change/" % world["microcredential"].pk,
                     "/admin/assessment/application/"):
            response = _visit(page, path)
            assert response.ok, path
            violations = messages + page.evaluate("window.__violations")
            if violations:
                found[path] = list(violations)
            messages.clear()
    finally:
        context.close()
    assert found == {}


def test_the_browsable_api_runs_without_a_policy_violation(browser, live_server, world):
    """DRF draws an HTML page of each endpoint for a browser (Accept: text/html)."""
    context = browser.new_context(base_url=live_server.url)
    try:
        messages = _watch(context)
        sign_in_cookie(context, live_server, world["provider"])
        page = context.new_page()
        page.set_default_timeout(15_000)
        _visit(page, "/api/v1/microcredentials/")
        page.get_by_text("Micro Credential List").first.wait_for()
        found = messages + page.evaluate("window.__violations")
    finally:
        context.close()
    assert found == []


def test_the_interactive_api_docs_load_under_the_policy(page):
    messages = _watch(page.context)
    _visit(page, "/api/docs/")
    # Swagger UI draws the operations from the schema: its scripts ran and fetched it.
    page.get_by_text("/api/v1/frameworks/").first.wait_for()
    assert messages + page.evaluate("window.__violations") == []


def test_the_pages_scripts_still_work_under_the_policy(browser, live_server):
    """The live completeness meter and the recommendation's credits check run from static files."""
    cast = Cast()
    case = cast.case("in_review")
    cast.case("draft")
    context = browser.new_context(base_url=live_server.url)
    try:
        messages = _watch(context)
        sign_in_cookie(context, live_server, cast.provider)
        page = context.new_page()
        page.set_default_timeout(15_000)
        _visit(page, "/microcredentials/new/")
        page.locator("#id_title").fill("Robot Safety")
        page.locator("#id_title").press("Tab")
        page.locator("[data-score]").filter(has_not_text="0%").wait_for()
        assert page.locator(".agency-meter__fill").bounding_box()["width"] > 0
        sign_in_cookie(context, live_server, cast.assessor)
        _visit(page, "/applications/%d/" % case.pk)
        page.locator("#id_credits").fill("3")
        page.locator("#credits-warning").filter(has_text="3 credits would be 30 hours").wait_for()
        found = messages + page.evaluate("window.__violations")
    finally:
        context.close()
    assert found == []


def test_the_check_catches_an_inline_script(page):
    """The check itself: a script written into the page is blocked and reported."""
    messages = _watch(page.context)
    _visit(page, "/verify/")
    page.evaluate("""() => { const script = document.createElement("script");
                             script.textContent = "window.ran = true"; document.body.append(script); }""")
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.ran") is None
    assert any("script-src" in v for v in page.evaluate("window.__violations"))
    assert messages

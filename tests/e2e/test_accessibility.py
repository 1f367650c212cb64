"""Accessibility: axe-core (node_modules/axe-core, from package.json) checks each main page as
Chromium renders it, in English at its path and in French under /fr/ (WCAG 2.1 AA, issue 15).
Any violation, whatever its impact, fails the page.

PAGES is the one list of pages to check: an issue that adds a page adds its row
(`Page(name, path, role=..., prepare=...)`; `path` is the English path and may take the `world`
fixture of tests/conftest.py). A `prepare` step names buttons and fields through `gettext`, so
one step serves both languages. Each page's full axe report lands in
test-artifacts/a11y/<name>[-fr].json.

The same walk checks each page's `lang` (en-CA / fr-CA); test_language_links.py follows the
language link of each role's main pages.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import PASSWORD, UserFactory, enrol_second_factor

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = ARTIFACTS.parent / "a11y"
LANGUAGES = ("en", "fr")
HTML_LANG = {"en": "en-CA", "fr": "fr-CA"}


@dataclass(frozen=True)
class Page:
    name: str
    path: str | Callable[[dict], str]
    role: str | None = None
    # Brings the page into the state to check (a refused form, an open dialog) once loaded.
    prepare: Callable | None = None


def localised(path, language):
    """The page's address in `language`: English at its path, French under /fr/."""
    return path if language == "en" else "/" + language + path


def refused_sign_in(page, world):
    page.get_by_label(gettext("Email address")).fill("nobody@example.org")
    page.get_by_label(gettext("Password"), exact=True).fill("not-the-password")
    page.get_by_role("button", name=gettext("Sign in"), exact=True).click()
    page.get_by_role("alert").wait_for()


def staff_password_step(enrolled):
    """Agency staff give their password: the page after it is the code (or enrolment) step."""

    def prepare(page, world):
        user = UserFactory(role="assessor", language=translation.get_language())
        if enrolled:
            enrol_second_factor(user)
        page.get_by_label(gettext("Email address")).fill(user.email)
        page.get_by_label(gettext("Password"), exact=True).fill(PASSWORD)
        page.get_by_role("button", name=gettext("Sign in"), exact=True).click()
        page.wait_for_url("**/accounts/login/%s/" % ("code" if enrolled else "enrol"))

    return prepare


def refused_submit(page, world):
    # The world's first draft lacks a required element, so the page comes back with the reason.
    page.get_by_role("button", name=gettext("Submit for assessment")).click()
    page.wait_for_load_state()


def stack_added_up(page, world):
    page.locator("#id_codes").fill("%s\nK7QF-3MZP-9WXA-C2HD" % world["assessment"].verification_code)
    page.get_by_role("button", name=gettext("Add up"), exact=True).click()
    page.get_by_role("button", name=gettext("Download the PDF summary")).wait_for()


def bulk_verified(page, world):
    data = "code\n%s\nnot-a-code\n" % world["assessment"].verification_code
    page.set_input_files("#id_file", files=[{"name": "codes.csv", "mimeType": "text/csv", "buffer": data.encode()}])
    page.get_by_role("button", name=gettext("Check the codes")).click()
    page.get_by_role("button", name=gettext("Download the results as CSV")).wait_for()


def credential_checked(page, world):
    """A credential of the world's entry, pasted and checked: the verdict and the checks table."""
    from credentials.vc.issue import credential_issue

    page.locator("#id_credential").fill(json.dumps(credential_issue(world["assessment"])))
    page.get_by_role("button", name=gettext("Check credential")).click()
    page.locator(".agency-credential-checks").wait_for()


def microcredential(w):
    return "/microcredentials/%d/" % w["microcredential"].pk


def application(w):
    return "/applications/%d/" % w["application"].pk


def review_case(w):
    """The world's assessment 30 days before its review is due: the sweep opened its case."""
    import datetime as dt

    from assessment.models import Application
    from assessment.review import review_decide

    assessment = w["assessment"]
    review_decide(assessment_id=assessment.pk, as_of=assessment.review_due_date - dt.timedelta(days=30))
    case = Application.objects.get(reviewed_assessment=assessment, state="draft")
    return "/applications/%d/" % case.pk


def refused_review(page, world):
    page.get_by_role("button", name=gettext("File the review")).click()
    page.wait_for_load_state()


PAGES = [
    Page("home", "/"),
    Page("sign-in", "/accounts/login/"),
    Page("sign-in-refused", "/accounts/login/", prepare=refused_sign_in),
    Page("sign-in-code", "/accounts/login/", prepare=staff_password_step(enrolled=True)),
    Page("sign-in-enrol", "/accounts/login/", prepare=staff_password_step(enrolled=False)),
    Page("account-security", "/accounts/security/", role="registrar"),
    Page("password-reset", "/accounts/password-reset/"),
    *(Page("start-" + role, "/", role=role) for role in ("provider", "assessor", "approver", "registrar", "admin")),
    Page("microcredential-list", "/microcredentials/", role="provider"),
    Page("microcredential-new", "/microcredentials/new/", role="provider"),
    Page("microcredential-detail", microcredential, role="provider"),
    Page("microcredential-detail-agency", microcredential, role="assessor"),
    Page("microcredential-edit", lambda w: microcredential(w) + "edit/", role="provider"),
    Page("catalogue-import", "/microcredentials/import/", role="provider"),
    Page("application-list", "/applications/", role="provider"),
    Page("application-detail", application, role="provider"),
    Page("application-submit-refused", application, role="provider", prepare=refused_submit),
    Page("queue", "/queue/?tab=all", role="assessor"),
    Page("case-agency", application, role="approver"),
    Page("dashboard", "/dashboard/", role="approver"),
    Page("register", "/register/"),
    Page("register-detail", lambda w: "/register/%s/" % w["assessment"].reference),
    Page("register-detail-approver", lambda w: "/register/%s/" % w["assessment"].reference, role="approver"),
    Page("verify", "/verify/"),
    Page("verify-code", lambda w: "/verify/%s/" % w["assessment"].verification_code),
    Page("stack", "/stack/", role="registrar"),
    Page("review-case", review_case, role="provider"),
    Page("review-case-refused", review_case, role="provider", prepare=refused_review),
    Page("review-case-agency", review_case, role="approver"),
    Page("start-provider-reviews-due", lambda w: (review_case(w), "/")[1], role="provider"),
    Page("stack-result", "/stack/", role="registrar", prepare=stack_added_up),
    Page("stack-bulk-verify", "/stack/", role="registrar", prepare=bulk_verified),
    Page("verify-credential", "/verify/", prepare=credential_checked),
]


def sign_in_cookie(context, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def signed_in_context(browser, live_server, world, role, language):
    """A browser context for `role` (None: a visitor) whose person reads `language`: a signed-in
    person's pages follow their account's language, so a French page needs a French speaker."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    if role == "provider":
        person = world["provider"]
        person.language = language
        person.save(update_fields=["language"])
        sign_in_cookie(context, live_server, person)
    elif role:
        sign_in_cookie(context, live_server, UserFactory(role=role, password=PASSWORD, language=language))
    return context


def axe_violations(page):
    # Evaluated by the browser's debugging protocol rather than added as a <script>: the
    # pages' Content-Security-Policy blocks inline scripts, and axe is the test's, not the page's.
    page.evaluate(AXE.read_text())
    return page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")["violations"]


def describe(violations):
    lines = []
    for violation in violations:
        lines.append("%s [%s] %s (%s)" % (violation["id"], violation["impact"], violation["help"], violation["helpUrl"]))
        for node in violation["nodes"]:
            lines.append("    at %s" % " ".join(map(str, node["target"])))
            lines.append("       " + node.get("failureSummary", "").replace("\n", "\n       "))
    return "\n".join(lines)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_page_has_no_accessibility_violation(browser, live_server, world, spec, language):
    context = signed_in_context(browser, live_server, world, spec.role, language)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        path = localised(spec.path(world) if callable(spec.path) else spec.path, language)
        response = page.goto(path)
        assert response.ok, "%s answered %d" % (path, response.status)
        with translation.override(language):
            if spec.prepare:
                spec.prepare(page, world)
        html_lang = page.locator("html").get_attribute("lang")
        violations = axe_violations(page)
    finally:
        context.close()

    name = spec.name + ("" if language == "en" else "-" + language)
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / (name + ".json")).write_text(json.dumps(violations, indent=2))
    assert html_lang == HTML_LANG[language], "%s: <html lang=%r>" % (path, html_lang)
    assert violations == [], "%s (%s): accessibility violations:\n%s" % (spec.name, path, describe(violations))


def test_the_check_reports_a_page_that_fails(page):
    """The check itself: an unlabelled field and an image without text must be caught."""
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text"></main></body></html>'
    )
    found = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label"} <= found


def test_the_check_reports_a_minor_violation(page):
    """A `moderate` finding (content outside any landmark) fails a page as much as a serious one."""
    page.set_content('<html lang="en"><head><title>t</title></head><body><p>Outside</p><main><h1>t</h1></main></body></html>')
    violations = axe_violations(page)
    assert {(v["id"], v["impact"]) for v in violations} >= {("region", "moderate")}

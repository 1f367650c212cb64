"""In a real browser: a manager answers "how often do we keep the ten-day promise?" from the
dashboard, without JavaScript, and reads a case's clock history. Screenshots:
test-artifacts/e2e/dashboard.png and case-clock-history.png."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from assessment import services
from assessment.calendar import agency_calendar
from assessment.clock import agency_date, nth_business_day_after
from tests.assessment.dated_cases import dated_case
from tests.assessment.workflow_helpers import Cast
from tests.factories import PASSWORD, UserFactory, enrol_second_factor, otp_code

from .test_accessibility import axe_violations, describe, sign_in_cookie


def business_days_back(day, n, calendar):
    while n > 0:
        day -= dt.timedelta(days=1)
        n -= calendar.is_business_day(day)
    return day


def test_a_manager_reads_the_promise_kept_and_a_case_clock(browser, live_server, screenshot, transactional_db):
    calendar = agency_calendar()
    today = agency_date(timezone.now())
    cast = Cast()
    cast.assessor.name, cast.approver.name = "Alex Martin", "Avery Chen"
    cast.assessor.save()
    cast.approver.save()
    second = UserFactory(role="assessor", name="Sam Okafor")
    # Decisions over the last months (declined: no letter to render), taking these business days.
    for months_back, took in [(5, 6), (5, 12), (4, 9), (3, 8), (3, 10), (2, 14), (1, 7), (1, 9), (0, 5)]:
        submitted = business_days_back(today - dt.timedelta(days=30 * months_back), 16, calendar)
        decided = nth_business_day_after(submitted, took, calendar)
        dated_case(cast, submitted=submitted, decided=min(decided, today), outcome="decline")
    paused_case = dated_case(
        cast, submitted=business_days_back(today, 9, calendar),
        pauses=[(business_days_back(today, 7, calendar), business_days_back(today, 4, calendar))],
    )
    dated_case(cast, submitted=business_days_back(today, 9, calendar))
    other = Cast()
    other.assessor = second
    dated_case(other, submitted=business_days_back(today, 12, calendar))
    dated_case(other, submitted=business_days_back(today, 2, calendar))
    services.sla_sweep()

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900},
                                  java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    device = enrol_second_factor(cast.approver)
    page.goto("/accounts/login/")
    page.fill("#id_username", cast.approver.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    # The approver's second factor: the code their authenticator app shows.
    page.fill("#id_code", otp_code(device))
    page.click("button[type=submit]")
    page.click("nav >> text=Dashboard")
    expect(page.locator("h1")).to_have_text("How we keep the ten-day promise")
    expect(page.locator(".agency-glance")).to_contain_text("decisions in the last 12 months met the promise")
    expect(page.locator("#chart-decisions-title")).to_have_count(1)
    expect(page.locator("#workload")).to_contain_text("Sam Okafor")
    screenshot(page, "dashboard")
    # The accessibility check of test_accessibility.py, here with charts full of data.
    context_js = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    sign_in_cookie(context_js, live_server, cast.approver)
    checked = context_js.new_page()
    checked.goto("/dashboard/")
    failing = axe_violations(checked)  # any impact fails, as on every page
    context_js.close()
    assert failing == [], describe(failing)

    page.goto("/applications/%d/" % paused_case.pk)
    expect(page.locator(".agency-clock-history")).to_contain_text("Resumed")

    screenshot(page, "case-clock-history")
    context.close()

import base64

import pytest
from django_otp.oath import totp

from tests.factories import PASSWORD, UserFactory, enrol_second_factor, otp_code

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, email, password=PASSWORD, device=None):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.wait_for_url("**/accounts/login/code/")
        page.get_by_label("Code from your authenticator app").fill(otp_code(device))
        page.get_by_role("button", name="Sign in").click()


def test_a_provider_signs_in_from_the_home_page_and_out_again(page, screenshot):
    user = UserFactory(role="provider", email="priya@northernlakes.example", name="Priya Patel")
    page.goto("/")
    screenshot(page, "home")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Northern Lakes College"
    assert "Priya Patel" in page.locator("header").inner_text()
    screenshot(page, "start-provider")
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("link", name="Sign in").first.is_visible()


def test_a_wrong_password_is_reported_at_the_top_of_the_form(page, screenshot):
    UserFactory(email="lee@lambton.example")
    sign_in(page, "lee@lambton.example", "not-the-password")
    summary = page.get_by_role("alert")
    assert "The email or password is not correct" in summary.inner_text()
    assert page.get_by_label("Email address").input_value() == "lee@lambton.example"
    screenshot(page, "sign-in-error")


@pytest.mark.parametrize("role", ["assessor", "approver", "registrar", "admin"])
def test_each_role_lands_on_its_start_page(page, role):
    user = UserFactory(role=role)
    # Agency staff give a code from their authenticator app (a device with a known secret).
    sign_in(page, user.email, device=enrol_second_factor(user) if role != "registrar" else None)
    page.wait_for_url("**/")
    assert user.get_role_display() in page.locator("header").inner_text()
    assert page.get_by_role("navigation", name="Main").is_visible()


def test_pages_fit_a_phone_screen(browser, live_server, screenshot):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        for path in ("/", "/accounts/login/"):
            phone.goto(path)
            overflowing = phone.evaluate(
                "() => [...document.querySelectorAll('body *')]"
                ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                ".map(e => e.tagName + '.' + e.className)"
            )
            assert overflowing == [], path
        screenshot(phone, "sign-in-phone")
    finally:
        context.close()


def test_an_assessor_sets_up_the_second_factor_at_the_first_sign_in(page, screenshot):
    user = UserFactory(role="assessor", name="Alex Martin")
    sign_in(page, user.email)
    page.wait_for_url("**/accounts/login/enrol/")
    assert page.locator("svg.agency-qr").is_visible()
    screenshot(page, "sign-in-enrol")
    # What the person's app does with the secret it scanned (or they typed).
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Code from your authenticator app").fill("%06d" % totp(key))
    page.get_by_role("button", name="Confirm and sign in").click()
    page.wait_for_url("**/")
    assert "Alex Martin" in page.locator("header").inner_text()

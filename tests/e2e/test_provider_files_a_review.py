"""In a real browser: a provider sees a review due on the start page, with the reminder
already sent, opens the review case and files it; the reminder email as a mail client shows it."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from assessment import clock
from assessment.models import Application, OutboxMessage
from assessment.outbox import outbox_render
from assessment.review import review_sweep
from tests.credentials.register_world import issue, people
from tests.factories import PASSWORD, MicroCredentialFactory, UserFactory


def test_a_provider_sees_the_review_due_and_files_it(page, screenshot, transactional_db, letters_dir, monkeypatch):
    from assessment import tasks

    monkeypatch.setattr(tasks.outbox_send, "delay", lambda *args, **kwargs: None)
    provider = UserFactory(role="provider", email="priya@northernlakes.example", name="Priya Raman")
    today = clock.agency_date(timezone.now())
    due = today + dt.timedelta(days=25)
    assessment = issue(people(), letter=False, current_from=due - relativedelta(months=12),
                       microcredential=MicroCredentialFactory(created_by=provider, title="Applied Data Visualisation"))
    review_sweep(as_of=today)
    reminder = OutboxMessage.objects.get(key="review:%d:1:30" % assessment.pk)
    OutboxMessage.objects.filter(pk=reminder.pk).update(status="sent", sent_at=timezone.now())
    connections.close_all()

    page.goto("/accounts/login/")
    page.fill("#id_username", provider.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    section = page.locator("section", has=page.get_by_role("heading", name="Periodic reviews due"))
    expect(section).to_contain_text(assessment.reference)
    expect(section).to_contain_text("in 25 days")
    expect(section).to_contain_text("30 days before: sent")
    screenshot(page, "review-start-page")

    section.get_by_role("link", name="Complete the review").click()
    expect(page.get_by_role("heading", name="Periodic review of assessment %s" % assessment.reference)).to_be_visible()
    screenshot(page, "review-case")
    page.get_by_role("button", name="File the review").click()
    expect(page.locator(".ontario-alert--error, .ontario-error-messaging").first).to_be_visible()
    page.get_by_label("It continues unchanged").check()
    page.get_by_label("Summary of the year").fill("Taught and assessed as the agency assessed it; 48 learners.")
    page.get_by_role("button", name="File the review").click()
    expect(page.get_by_text("Your review is filed")).to_be_visible()
    screenshot(page, "review-filed")
    case = Application.objects.get(reviewed_assessment=assessment)
    assert (case.state, case.declaration) == ("submitted", "continue")

    page.set_content(outbox_render(reminder)[1])
    screenshot(page, "review-reminder-email")

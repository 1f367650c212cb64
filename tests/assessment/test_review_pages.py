"""Periodic review on the pages: what the provider sees is due, with the reminders sent; the
review form on the case page; the agency's upcoming and overdue reviews on the dashboard."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from assessment import selectors
from assessment.clock import AGENCY_TIME_ZONE
from assessment.dashboard import reviews_data
from assessment.models import Application
from assessment.review import review_sweep
from tests.factories import OrganisationFactory, UserFactory

from .review_world import DAY, DUE, Provider, review_case, review_entry

pytestmark = pytest.mark.django_db


def _today(time_machine, day):
    """Noon in Toronto on `day`, the clock stopped: the agency's date is `day` for the pages
    (and for the session started after it, which a later date would find expired)."""
    time_machine.move_to(dt.datetime.combine(day, dt.time(12), tzinfo=AGENCY_TIME_ZONE), tick=False)


def test_the_provider_sees_what_is_due_and_the_reminders_already_sent(client, time_machine):
    provider = Provider()
    assessment = review_entry(provider)
    later = review_entry(provider)
    review_sweep(as_of=DUE - 90 * DAY)
    review_sweep(as_of=DUE - 30 * DAY)
    _today(time_machine, DUE - 29 * DAY)
    client.force_login(provider.user)
    for url in ("/", "/applications/"):
        page = client.get(url).content.decode()
        assert "Periodic reviews due" in page
        assert assessment.reference in page and later.reference in page
        # Queued, not yet delivered: these tests run no worker.
        assert "90 days before: being sent" in page and "30 days before: being sent" in page
        assert "in 29 days" in page and "Complete the review" in page
    # Another provider sees none of it.
    client.force_login(UserFactory(role="provider", organisation=OrganisationFactory(name="Maple Leaf Skills")))
    assert assessment.reference not in client.get("/").content.decode()


def test_the_review_case_page_files_the_review_with_its_declaration(client, time_machine):
    provider = Provider()
    assessment = review_entry(provider)
    review_sweep(as_of=DUE - 90 * DAY)
    case = review_case(assessment)
    _today(time_machine, DUE - 80 * DAY)
    client.force_login(provider.user)
    page = client.get("/applications/%d/" % case.pk).content.decode()
    assert "Periodic review of assessment" in page and assessment.reference in page
    assert "What happens to this micro-credential?" in page and "File the review" in page
    assert "90 days before: sent" in page or "90 days before: being sent" in page
    invalid = client.post("/applications/%d/submit/" % case.pk, {"declaration": "continue"})
    assert invalid.status_code == 400 and "This field is required" in invalid.content.decode()
    response = client.post("/applications/%d/submit/" % case.pk,
                           {"declaration": "continue", "summary": "Taught as assessed."}, follow=True)
    assert "Your review is filed" in response.content.decode()
    case = Application.objects.get(pk=case.pk)
    assert (case.state, case.declaration) == ("submitted", "continue")
    assert "Continue unchanged" in response.content.decode()


def test_the_agency_partial_lists_overdue_and_upcoming_reviews_in_constant_queries():
    provider = Provider()
    overdue = review_entry(provider)
    review_sweep(as_of=DUE - 90 * DAY)
    review_sweep(as_of=DUE + 7 * DAY)
    today = DUE + 8 * DAY

    def render():
        return render_to_string("assessment/dashboard/_reviews.html", {"data": reviews_data(today, None)})

    with CaptureQueriesContext(connection) as one:
        html = render()
    assert "Overdue (1)" in html and overdue.reference in html and "lapses 2027-04-01" in html
    assert "7 days after: sent" in html or "7 days after: being sent" in html
    for _ in range(5):
        review_entry(Provider())
    review_sweep(as_of=DUE - 60 * DAY)
    with CaptureQueriesContext(connection) as many:
        html = render()
    assert len(many) == len(one)
    # Providers and registrars get nothing from the agency's selector.
    assert selectors.reviews_due(user=UserFactory(role="registrar"), as_of=today) == []


def test_the_dashboard_and_its_csv_list_the_reviews_due(client, time_machine):
    provider = Provider()
    assessment = review_entry(provider)
    review_sweep(as_of=DUE - 90 * DAY)
    _today(time_machine, DUE - 80 * DAY)
    client.force_login(UserFactory(role="approver"))
    page = client.get("/dashboard/").content.decode()
    csv = client.get("/dashboard/export.csv").content.decode()
    assert "Periodic reviews due" in page and "Due in the next 90 days (1)" in page
    assert assessment.reference in page and "Overdue (0)" in page
    assert "Periodic reviews due" in csv
    row = next(line for line in csv.splitlines() if line.startswith(assessment.reference))
    assert DUE.isoformat() in row and "90 days before" in row


def test_the_dashboard_says_when_a_provider_has_nobody_to_remind(client, time_machine):
    provider = Provider()
    assessment = review_entry(provider)
    # Another provider, still staffed.
    reachable = review_entry(SimpleNamespace(
        user=UserFactory(role="provider", organisation=OrganisationFactory(name="Maple Leaf Skills"))))
    type(provider.user).objects.filter(organisation=provider.user.organisation).update(is_active=False)
    review_sweep(as_of=DUE - 90 * DAY)
    _today(time_machine, DUE - 80 * DAY)
    client.force_login(UserFactory(role="approver"))
    page = client.get("/dashboard/").content.decode()
    name = provider.user.organisation.name
    assert page.count("Nobody to remind: %s has no active provider account." % name) == 1
    csv = client.get("/dashboard/export.csv").content.decode().splitlines()
    assert csv[next(i for i, line in enumerate(csv) if line.startswith("Assessment,"))].endswith("Anyone to remind")
    assert next(line for line in csv if line.startswith(assessment.reference)).endswith(
        "no: the provider has no active account")
    assert next(line for line in csv if line.startswith(reachable.reference)).endswith(",yes")

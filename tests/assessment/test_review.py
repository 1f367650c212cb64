"""Periodic review: the sweep walked day by day with a real Celery worker, Redis and an SMTP
server; each reminder once per person; filing, discontinuing, renewing, declining, lapsing."""

import datetime as dt
import io
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from assessment import services
from assessment.models import Application, OutboxMessage
from assessment.review import review_sweep
from credentials.models import Assessment
from tests.credentials.register_world import people
from tests.factories import UserFactory
from tests.polling import wait_for

from .review_world import DAY, DUE, Provider, review_case, review_entry
from .workflow_helpers import APPROVE

STEPS = {DUE - 90 * DAY: 90, DUE - 30 * DAY: 30, DUE - 7 * DAY: 7, DUE: 0, DUE + 7 * DAY: -7}
LAPSES = DUE + 30 * DAY


def _keys(assessment):
    return sorted(set(OutboxMessage.objects.filter(key__startswith="review:%d:" % assessment.pk)
                      .values_list("key", flat=True)))


def _walk(start, end):
    """Every day from start to end, as the command run with --as-of."""
    day = start
    while day <= end:
        call_command("review_sweep", "--as-of", day.isoformat(), stdout=io.StringIO())
        day += DAY


@pytest.mark.django_db(transaction=True)
def test_the_whole_schedule_sends_each_step_once_to_each_person_then_lapses_and_tells_them(
    celery_worker, smtp_server, api, api_as  # noqa: F811
):
    provider = Provider()
    assessment = review_entry(provider)
    _walk(DUE - 92 * DAY, DUE - 91 * DAY)
    assert not Application.objects.filter(kind="review").exists()
    _walk(DUE - 90 * DAY, LAPSES + 3 * DAY)
    # Five reminders and the lapse notice, each to each active person, one message each.
    assert _keys(assessment) == sorted(["review:%d:1:%d" % (assessment.pk, step) for step in STEPS.values()]
                                       + ["review:%d:1:lapsed" % assessment.pk])
    assert wait_for(lambda: len(smtp_server.messages) == 12, timeout=30)
    time.sleep(0.5)
    assert len(smtp_server.messages) == 12
    assert all(len(message.rcpt_tos) == 1 for message in smtp_server.messages)
    by_person = {}
    for message in smtp_server.messages:
        by_person.setdefault(message.rcpt_tos[0], []).append(message.content)
    assert sorted(by_person) == provider.addresses
    assert all(len(contents) == 6 for contents in by_person.values())
    first = by_person[provider.addresses[0]][0]
    assert b"Review case open" in first and b"is open" in first
    # The case opened 90 days before, and closed when the entry lapsed.
    case = Application.objects.get(kind="review", reviewed_assessment=assessment)
    assert case.state == "withdrawn" and case.created_by is None
    assert [e.action for e in case.events.all()] == ["open-review", "withdraw"]
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_until) == ("lapsed", LAPSES)
    registrar = UserFactory(role="registrar")
    entry = api_as(registrar).get("/api/v1/assessments/%s/" % assessment.reference).json()
    assert (entry["status"], entry["current_until"]) == ("lapsed", LAPSES.isoformat())
    assert api.get("/api/v1/verify/%s/" % assessment.verification_code).json()["status"] == "lapsed"
    assert api.get("/api/v1/assessments/%s/" % assessment.reference).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_open_one_case_and_queue_each_reminder_once(smtp_server, monkeypatch):  # noqa: F811
    from assessment.tasks import outbox_send

    monkeypatch.setattr(outbox_send, "delay", lambda *args, **kwargs: None)
    provider = Provider()
    assessments = [review_entry(provider) for _ in range(4)]
    barrier = threading.Barrier(3)
    errors = []

    def sweep():
        try:
            barrier.wait()
            review_sweep(as_of=DUE - 90 * DAY)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Application.objects.filter(kind="review").count() == 4
    assert OutboxMessage.objects.filter(key__startswith="review:").count() == 8
    from assessment.outbox import outbox_flush

    assert outbox_flush() == 8
    assert len(smtp_server.messages) == 8
    assert all(a.review_cases.count() == 1 for a in assessments)


@pytest.mark.django_db(transaction=True)
def test_a_review_filed_while_the_sweep_decides_gets_no_reminder(monkeypatch):
    from assessment import notifications
    from assessment.tasks import outbox_send

    monkeypatch.setattr(outbox_send, "delay", lambda *args, **kwargs: None)
    provider = Provider()
    assessment = review_entry(provider)
    review_sweep(as_of=DUE - 90 * DAY)
    case = review_case(assessment)
    # The provider's submit pauses at its end, its case locked and not yet committed, while
    # the sweep reads the entry (reminder due: nothing filed yet) and decides.
    filing, filed = threading.Event(), threading.Event()
    acknowledge = notifications.acknowledgement

    def slow_acknowledgement(*args, **kwargs):
        acknowledge(*args, **kwargs)
        filing.set()
        filed.wait(10)

    monkeypatch.setattr(notifications, "acknowledgement", slow_acknowledgement)
    errors, results = [], []

    def submit():
        try:
            services.application_submit(actor=provider.user, application=case, declaration="continue",
                                        summary="Taught as assessed; no changes.")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    def sweep():
        try:
            results.append(review_sweep(as_of=DUE - 30 * DAY))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    submitting = threading.Thread(target=submit)
    submitting.start()
    assert filing.wait(10)
    sweeping = threading.Thread(target=sweep)
    sweeping.start()
    sweeping.join(1.5)
    assert sweeping.is_alive(), "the sweep decided while the review was being filed"
    filed.set()
    submitting.join(10)
    sweeping.join(10)
    assert errors == []
    assert results[0].examined == 1 and results[0].reminded == 0
    assert _keys(assessment) == ["review:%d:1:90" % assessment.pk]


@pytest.mark.django_db(transaction=True)
def test_a_reminder_says_what_was_true_when_it_was_queued_not_when_it_is_sent(smtp_server, monkeypatch):  # noqa: F811
    from assessment.outbox import outbox_flush
    from assessment.tasks import outbox_send

    monkeypatch.setattr(outbox_send, "delay", lambda *args, **kwargs: None)
    provider = Provider()
    assessment = review_entry(provider)
    review_sweep(as_of=DUE - 30 * DAY)
    Assessment.objects.filter(pk=assessment.pk).update(title="Renamed after the reminder was queued")
    assert outbox_flush() == 2
    for message in smtp_server.messages:
        body = message.content.decode()
        assert assessment.title in body and "Renamed" not in body
        assert "Tuesday 2 March 2027, in 30 days" in body
        assert "/applications/%d/" % review_case(assessment).pk in body


@pytest.mark.django_db
def test_the_same_date_twice_changes_and_sends_nothing_the_second_time(django_capture_on_commit_callbacks):
    provider = Provider()
    assessment = review_entry(provider)
    with django_capture_on_commit_callbacks() as first:
        result = review_sweep(as_of=DUE - 30 * DAY)
    assert (result.opened, result.reminded) == (1, 1)
    rows = OutboxMessage.objects.count()
    with django_capture_on_commit_callbacks() as second:
        again = review_sweep(as_of=DUE - 30 * DAY)
    assert (again.opened, again.reminded, again.lapsed) == (0, 0, 0)
    assert OutboxMessage.objects.count() == rows and len(first) == 2 and second == []
    # Opened late (the sweep did not run 90 days before): the one email is the 30-day step,
    # and it is also the notice that the case is open.
    assert _keys(assessment) == ["review:%d:1:30" % assessment.pk]
    assert OutboxMessage.objects.filter(key__endswith=":30").first().subject.startswith("Review case open.")


@pytest.mark.django_db
def test_a_missed_step_is_not_sent_late_once_a_later_one_is_due():
    provider = Provider()
    assessment = review_entry(provider)
    review_sweep(as_of=DUE - 90 * DAY)
    # The sweep did not run from 89 days before until 5 days before: the 30-day step was missed.
    review_sweep(as_of=DUE - 5 * DAY)
    review_sweep(as_of=DUE - 4 * DAY)
    assert _keys(assessment) == sorted(["review:%d:1:90" % assessment.pk, "review:%d:1:7" % assessment.pk])
    # A step due is still sent a few days late when nothing later is due yet.
    review_sweep(as_of=DUE + 2 * DAY)
    assert "review:%d:1:0" % assessment.pk in _keys(assessment)


@pytest.mark.django_db
def test_no_reminder_and_no_lapse_once_the_review_is_filed(api_as):
    provider = Provider()
    assessment = review_entry(provider)
    review_sweep(as_of=DUE - 90 * DAY)
    case = review_case(assessment)
    response = api_as(provider.user).post("/api/v1/applications/%d/submit/" % case.pk,
                                          {"declaration": "continue", "summary": "Taught as assessed; no changes."},
                                          format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["kind"] == "review" and body["state"] == "submitted"
    assert body["assessment"]["reference"] == assessment.reference
    assert body["review"]["declaration"] == "continue" and body["review"]["due_date"] == DUE.isoformat()
    for day in STEPS:
        review_sweep(as_of=day)
    review_sweep(as_of=LAPSES + 10 * DAY)
    assert _keys(assessment) == ["review:%d:1:90" % assessment.pk]
    assessment.refresh_from_db()
    assert assessment.status == "current"


@pytest.mark.django_db
def test_a_review_case_is_the_assessment_under_review_from_the_moment_it_opens(api_as):
    provider = Provider()
    assessment = review_entry(provider)
    review_sweep(as_of=DUE - 90 * DAY)
    body = api_as(provider.user).get("/api/v1/applications/%d/" % review_case(assessment).pk).json()
    assert (body["kind"], body["state"]) == ("review", "draft")
    assert body["assessment"] == {"reference": assessment.reference, "verification_code": assessment.verification_code}
    assert body["review"]["lapses_on"] == LAPSES.isoformat()


@pytest.mark.django_db
def test_the_review_submit_needs_a_declaration_and_continue_means_unchanged(api_as):
    provider = Provider()
    assessment = review_entry(provider)
    review_sweep(as_of=DUE - 90 * DAY)
    case = review_case(assessment)
    client = api_as(provider.user)
    url = "/api/v1/applications/%d/submit/" % case.pk
    assert client.post(url, {}, format="json").json().keys() >= {"declaration"}
    assert client.post(url, {"declaration": "maybe", "summary": "x"}, format="json").status_code == 400
    # Editing is allowed while the review case is a draft.
    edit = client.patch("/api/v1/microcredentials/%d/" % assessment.microcredential_id,
                        {"learner_effort_hours": 50}, format="json")
    assert edit.status_code == 200, edit.json()
    refused = client.post(url, {"declaration": "continue", "summary": "Same."}, format="json")
    assert refused.status_code == 400 and "declare change" in refused.json()["declaration"][0]
    accepted = client.post(url, {"declaration": "change", "summary": "More practice hours."}, format="json")
    assert accepted.status_code == 200 and accepted.json()["review"]["declaration"] == "change"


@pytest.mark.django_db
def test_discontinue_makes_the_entry_expiring_then_discontinued_when_its_honoured_period_ends(api, api_as, time_machine):
    provider = Provider()
    assessment = review_entry(provider)
    review_sweep(as_of=DUE - 90 * DAY)
    time_machine.move_to(dt.datetime(2026, 12, 10, 15, 0, tzinfo=dt.UTC))
    response = api_as(provider.user).post("/api/v1/applications/%d/submit/" % review_case(assessment).pk,
                                          {"declaration": "discontinue", "summary": "No longer offered."},
                                          format="json")
    assert response.status_code == 200, response.json()
    assessment.refresh_from_db()
    end = dt.date(2028, 12, 10)
    assert (assessment.status, assessment.current_until) == ("expiring", end)
    # Still honoured: in the public register until the end date.
    assert api.get("/api/v1/assessments/%s/" % assessment.reference).json()["status"] == "expiring"
    review_sweep(as_of=LAPSES + 10 * DAY)
    review_sweep(as_of=end)
    assessment.refresh_from_db()
    assert assessment.status == "expiring"
    assert review_sweep(as_of=end + DAY).discontinued == 1
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_until) == ("discontinued", end)
    assert api.get("/api/v1/verify/%s/" % assessment.verification_code).json()["status"] == "discontinued"
    assert _keys(assessment) == ["review:%d:1:90" % assessment.pk]


def _through_the_workflow(case, provider, staff, *, declaration="continue", outcome=APPROVE):
    assessor, approver = UserFactory(role="assessor"), UserFactory(role="approver")
    case = services.application_submit(actor=provider.user, application=case, declaration=declaration,
                                       summary="As assessed.")
    case = services.application_claim(actor=assessor, application=case)
    case = services.application_recommend(actor=assessor, application=case, data=outcome)
    return services.application_sign_off(actor=approver, application=case, comment="Reviewed.")


@pytest.mark.usefixtures("letters_dir")
@pytest.mark.django_db
def test_sign_off_renews_the_entry_with_a_new_letter_version_and_the_old_one_verifies_as_superseded(
    api, django_capture_on_commit_callbacks
):
    provider = Provider()
    assessment = review_entry(provider, letter=True)
    old = assessment.letters.get()
    review_sweep(as_of=DUE - 90 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        case = _through_the_workflow(review_case(assessment), provider, people())
    assert case.state == "approved" and case.assessment is None
    assessment.refresh_from_db()
    assert (assessment.status, assessment.review_cycle, assessment.review_due_date) == ("current", 2, dt.date(2028, 3, 2))
    assert [letter.version for letter in assessment.letters.all()] == [1, 2]

    def verify(letter):
        with letter.file.open("rb") as f:
            data = f.read()
        return api.post("/api/v1/verify/letter/", {"file": SimpleUploadedFile("l.pdf", data, "application/pdf")},
                        format="multipart").json()

    first, second = verify(old), verify(assessment.letters.get(version=2))
    assert (first["authentic"], first["version"], first["superseded"], first["status"]) == (True, 1, True, "current")
    assert (second["authentic"], second["version"], second["superseded"]) == (True, 2, False)
    # The next period starts afresh: its own case and reminders, keyed by cycle 2.
    review_sweep(as_of=dt.date(2028, 3, 2) - 90 * DAY)
    assert "review:%d:2:90" % assessment.pk in _keys(assessment)
    assert assessment.review_cases.filter(review_cycle=2, state="draft").count() == 1


@pytest.mark.django_db
def test_a_declined_review_revokes_the_entry_with_a_public_reason_and_tells_the_provider_the_real_ones(
    api, django_capture_on_commit_callbacks, mailoutbox
):
    # The decline's reasons are written to the provider; the register and /verify/ show anyone
    # a sentence written for the public, not the agency's reasons about the provider.
    provider = Provider()
    assessment = review_entry(provider)
    review_sweep(as_of=DUE - 90 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        case = _through_the_workflow(review_case(assessment), provider, people(),
                                     outcome={"outcome": "decline", "reasons": "The outcomes are no longer assessed."})
    assert case.state == "declined"
    assessment.refresh_from_db()
    assert assessment.status == "revoked" and assessment.current_until is not None
    assert "no longer assessed" not in assessment.status_reason
    assert "periodic review" in assessment.status_reason
    public = api.get("/api/v1/verify/%s/" % assessment.verification_code).json()
    assert public["status"] == "revoked"
    assert "no longer assessed" not in str(public)
    decision = [m for m in mailoutbox if "declined" in m.subject]
    assert decision and all("no longer assessed" in m.body for m in decision)


@pytest.mark.django_db
def test_a_withdrawn_review_case_is_opened_again_and_the_reminders_go_on_where_they_were(api_as):
    provider = Provider()
    assessment = review_entry(provider)
    review_sweep(as_of=DUE - 90 * DAY)
    services.application_withdraw(actor=provider.user, application=review_case(assessment), reason="Opened by mistake.")
    review_sweep(as_of=DUE - 89 * DAY)
    assert assessment.review_cases.filter(state="draft").count() == 1
    assert _keys(assessment) == ["review:%d:1:90" % assessment.pk]


@pytest.mark.django_db
def test_the_command_takes_as_of_and_refuses_a_bad_date(capsys):
    provider = Provider()
    review_entry(provider)
    call_command("review_sweep", "--as-of", (DUE - 90 * DAY).isoformat())
    assert "1 review case(s) opened" in capsys.readouterr().out
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("review_sweep", "--as-of", "tomorrow")


@pytest.mark.django_db
def test_the_beat_schedule_runs_the_review_sweep_daily():
    from celery.schedules import crontab

    from config.celery import app

    entry = app.conf.beat_schedule["review-sweep"]
    assert entry["task"] == "assessment.tasks.review_sweep_task"
    assert isinstance(entry["schedule"], crontab)


@pytest.mark.django_db
def test_an_entry_no_longer_current_is_left_alone():
    provider = Provider()
    assessment = review_entry(provider)
    Assessment.objects.filter(pk=assessment.pk).update(status="revoked")
    with transaction.atomic():
        result = review_sweep(as_of=DUE)
    assert (result.examined, result.opened, result.reminded) == (0, 0, 0)


@pytest.mark.django_db
def test_seed_demo_has_reviews_in_several_stages_and_is_safe_to_run_twice(capsys):
    call_command("seed_demo", "--force")
    cases = Application.objects.filter(kind="review")
    first = sorted(cases.values_list("pk", "state"))
    call_command("seed_demo", "--force")
    assert sorted(cases.values_list("pk", "state")) == first
    # The four staged entries (one filed), and whatever else the day's sweep found in its window.
    states = [state for _, state in first]
    assert states.count("submitted") == 1 and states.count("draft") >= 3
    steps = {key.split(":")[3] for key in OutboxMessage.objects.filter(key__startswith="review:")
             .values_list("key", flat=True)}
    assert {"-7", "7", "90"} <= steps


def _sweep_queries(day):
    with CaptureQueriesContext(connection) as queries:
        result = review_sweep(as_of=day)
    return len(queries), result


@pytest.mark.django_db
def test_the_sweep_costs_the_same_number_of_queries_for_3_entries_due_as_for_30():
    provider, staff = Provider(), people()
    counts = {}
    for number, shift in ((3, 0), (30, 400)):
        entries = [review_entry(provider, staff) for _ in range(number)]
        Assessment.objects.filter(pk__in=[a.pk for a in entries]).update(review_due_date=DUE + shift * DAY)
        opening, opened = _sweep_queries(DUE + (shift - 90) * DAY)
        reminding, reminded = _sweep_queries(DUE + (shift - 30) * DAY)
        lapsing, lapsed = _sweep_queries(LAPSES + shift * DAY)
        assert (opened.opened, opened.reminded, reminded.reminded, lapsed.lapsed) == (number,) * 4
        counts[number] = (opening, reminding, lapsing)
    assert counts[3] == counts[30]
    assert _keys(entries[-1]) == sorted("review:%d:1:%s" % (entries[-1].pk, step) for step in ("90", "30", "lapsed"))


@pytest.mark.django_db
def test_a_day_with_nothing_to_do_is_one_query_and_the_discontinued_update():
    provider = Provider()
    review_entry(provider)
    review_sweep(as_of=DUE - 30 * DAY)
    with CaptureQueriesContext(connection) as queries:
        result = review_sweep(as_of=DUE - 30 * DAY)
    assert (result.examined, result.opened, result.reminded, result.lapsed) == (0, 0, 0, 0)
    # The discontinued update writes its history rows in the same statement.
    assert len(queries) == 2, [query["sql"] for query in queries]

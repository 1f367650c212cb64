"""Nothing lost: a letter whose task never ran (the broker was down at sign-off, or the task was
lost) is produced by `letters_sweep` once it is a few minutes overdue, and a failed publish
never turns a committed decision into an error. Real parts: PostgreSQL, a Redis URL where
nothing listens, WeasyPrint and pyHanko."""

import datetime as dt
import hashlib
import threading
from contextlib import contextmanager

import kombu.pools
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from assessment import services
from assessment.lost_letters import LETTERS_SWEEP_LOCK, letters_sweep
from assessment.models import Application, DecisionLetter
from config.celery import app
from credentials import services as register
from credentials.letters.verify import letter_signature_check
from credentials.models import Assessment, Letter
from credentials.verification import letter_verify

from .workflow_helpers import Cast

pytestmark = pytest.mark.usefixtures("letters_dir")

# Nothing listens here: publishing fails at once, as it does when Redis is down.
UNREACHABLE_BROKER = "redis://127.0.0.1:6390/0"


def _drop_broker_connections():
    # Celery keeps the broker's connection and producer pools for the life of the app; changing
    # broker_url reaches the next publish only once they are dropped (private attributes: Celery
    # has no public way to reconnect an app elsewhere).
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_down():
    """Tasks go to a broker that does not answer, as in production with Redis down; publish
    retries are off so each failure is immediate."""
    names = ("task_always_eager", "broker_url", "broker_connection_timeout", "broker_connection_retry",
             "broker_transport_options", "task_publish_retry")
    saved = {name: app.conf[name] for name in names}
    app.conf.update(
        task_always_eager=False, broker_url=UNREACHABLE_BROKER, broker_connection_timeout=1,
        broker_connection_retry=False, broker_transport_options={"max_retries": 0}, task_publish_retry=False,
    )
    _drop_broker_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        _drop_broker_connections()


def later(minutes=None):
    """A moment past the sweep's grace period."""
    from django.conf import settings

    return timezone.now() + dt.timedelta(minutes=(settings.LETTER_SWEEP_GRACE_MINUTES if minutes is None
                                                  else minutes) + 1)


def download(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


# The broker is down at sign-off


@pytest.mark.django_db(transaction=True)
def test_an_approval_signed_off_with_the_broker_down_commits_and_the_sweep_produces_its_letter(
    client, api_as, caplog
):
    cast = Cast()
    recommended = cast.case("recommended")
    client.force_login(cast.approver)
    with broker_down():
        response = client.post("/applications/%d/sign-off/" % recommended.pk, {"comment": "Agreed."})
    assert response.status_code == 302
    application = Application.objects.get(pk=recommended.pk)
    assert application.state == "approved" and application.assessment is not None
    assert not Letter.objects.exists()
    assert "letters_sweep" in caplog.text  # the failed publish is logged, with who takes over
    letter_path = "/api/v1/assessments/%s/letter/" % application.assessment.reference
    assert api_as(cast.provider).get(letter_path).status_code == 409  # still being produced

    result = letters_sweep(now=later())
    assert (result.letters, result.decision_letters, result.failed) == (1, 0, 0)
    data = download(api_as(cast.provider), letter_path)
    check = letter_signature_check(data)
    assert check.signature_valid, check.problem
    assert letter_verify(data).reference == application.assessment.reference


@pytest.mark.django_db(transaction=True)
def test_a_decline_signed_off_with_the_broker_down_commits_and_the_sweep_produces_its_decision_letter(
    client, api_as
):
    cast = Cast()
    recommended = cast.case("recommended_decline")
    client.force_login(cast.approver)
    with broker_down():
        response = client.post("/applications/%d/sign-off/" % recommended.pk, {"comment": "Agreed."})
    assert response.status_code == 302
    assert Application.objects.get(pk=recommended.pk).state == "declined"
    letter_path = "/api/v1/applications/%d/decision-letter/" % recommended.pk
    assert api_as(cast.provider).get(letter_path).status_code == 409

    result = letters_sweep(now=later())
    assert (result.letters, result.decision_letters, result.failed) == (0, 1, 0)
    data = download(api_as(cast.provider), letter_path)
    assert letter_signature_check(data).signature_valid
    assert DecisionLetter.objects.get(application=recommended).sha256 == hashlib.sha256(data).hexdigest()


# What the sweep finds


@pytest.fixture
def cast(db):
    return Cast()


def lost(sign_off):
    """Run a decision whose on-commit tasks never run: the broker lost them."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        return sign_off()


def signed_off(cast, state):
    recommended = cast.case(state)
    return lost(lambda: services.application_sign_off(actor=cast.approver, application=recommended))


def test_the_sweep_leaves_letters_younger_than_the_grace_period_to_their_task(cast, settings):
    settings.LETTER_SWEEP_GRACE_MINUTES = 5
    approved = signed_off(cast, "recommended")
    declined = signed_off(cast, "recommended_decline")
    result = letters_sweep(now=timezone.now() + dt.timedelta(minutes=4))
    assert (result.letters, result.decision_letters) == (0, 0)
    assert not Letter.objects.exists() and not DecisionLetter.objects.exists()
    result = letters_sweep(now=timezone.now() + dt.timedelta(minutes=6))
    assert (result.letters, result.decision_letters) == (1, 1)
    assert Letter.objects.get().assessment_id == approved.assessment_id
    assert DecisionLetter.objects.get().application_id == declined.pk


def test_the_sweep_run_twice_produces_nothing_the_second_time(cast):
    signed_off(cast, "recommended")
    signed_off(cast, "recommended_decline")
    first = letters_sweep(now=later())
    assert (first.letters, first.decision_letters) == (1, 1)
    stored = (list(Letter.objects.values_list("pk", "sha256")), list(DecisionLetter.objects.values_list("pk", "sha256")))
    second = letters_sweep(now=later())
    assert (second.letters, second.decision_letters, second.failed) == (0, 0, 0)
    assert (list(Letter.objects.values_list("pk", "sha256")),
            list(DecisionLetter.objects.values_list("pk", "sha256"))) == stored


def test_letters_already_produced_are_not_due(cast):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.application_sign_off(actor=cast.approver, application=cast.case("recommended"))
        services.application_sign_off(actor=cast.approver, application=cast.case("recommended_decline"))
    assert (Letter.objects.count(), DecisionLetter.objects.count()) == (1, 1)
    result = letters_sweep(now=later())
    assert (result.letters, result.decision_letters) == (0, 0)


def test_a_renewal_whose_letter_was_lost_gets_the_next_version_from_the_sweep(cast):
    with TestCase.captureOnCommitCallbacks(execute=True):
        application = services.application_sign_off(actor=cast.approver, application=cast.case("recommended"))
    assessment = application.assessment
    lost(lambda: register.assessment_renew(
        assessment=assessment, level_id="OQF-9", credits="4", transfer_category="upper_division",
        subject_area="Data analytics", recommended_by=cast.assessor, signed_off_by=cast.approver,
    ))
    assert Assessment.objects.get(pk=assessment.pk).letter_version_due == 2
    assert letters_sweep(now=later()).letters == 1
    assert list(assessment.letters.values_list("version", flat=True)) == [1, 2]
    assert letters_sweep(now=later()).letters == 0


def test_a_version_superseded_before_it_was_produced_is_not_produced_with_later_terms(cast):
    """v1 lost, then renewed: v1 would print the renewed terms, so the sweep produces v2 only,
    and a late v1 task produces nothing."""
    application = signed_off(cast, "recommended")
    assessment = application.assessment
    lost(lambda: register.assessment_renew(
        assessment=assessment, level_id="OQF-9", credits="4", transfer_category="upper_division",
        subject_area="Data analytics", recommended_by=cast.assessor, signed_off_by=cast.approver,
    ))
    assert letters_sweep(now=later()).letters == 1
    assert register.letter_issue(assessment_id=assessment.pk, version=1) is None
    assert list(assessment.letters.values_list("version", flat=True)) == [2]


def test_the_management_command_sweeps_and_says_what_it_did(cast, capsys, settings):
    settings.LETTER_SWEEP_GRACE_MINUTES = 0
    signed_off(cast, "recommended")
    signed_off(cast, "recommended_decline")
    call_command("letters_sweep")
    assert "1 letter(s), 1 decision letter(s) produced, 0 failed" in capsys.readouterr().out
    call_command("letters_sweep")
    assert "0 letter(s), 0 decision letter(s) produced, 0 failed" in capsys.readouterr().out


def test_beat_runs_the_sweep_every_few_minutes():
    entry = next(e for e in app.conf.beat_schedule.values() if e["task"] == "assessment.tasks.letters_sweep_task")
    assert entry["schedule"] <= 600
    assert "assessment.tasks.letters_sweep_task" in app.tasks


# Beside a running task


def _at_once(*calls):
    """Run the calls in threads released together; each thread has its own database connection."""
    start = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            start.wait()
            call()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_the_sweep_beside_a_running_task_stores_each_letter_once(letters_dir):
    cast = Cast()
    approved, declined = cast.case("recommended"), cast.case("recommended_decline")
    with broker_down():  # outside a test transaction, lost tasks are tasks the broker never took
        approved = services.application_sign_off(actor=cast.approver, application=approved)
        declined = services.application_sign_off(actor=cast.approver, application=declined)
    assert not Letter.objects.exists() and not DecisionLetter.objects.exists()
    when = later()
    _at_once(
        lambda: letters_sweep(now=when),
        lambda: register.letter_issue(assessment_id=approved.assessment_id, version=1),
        lambda: services.decision_letter_produce(application_id=declined.pk),
    )
    assert Letter.objects.filter(assessment_id=approved.assessment_id).count() == 1
    assert DecisionLetter.objects.filter(application=declined).count() == 1
    assert Assessment.objects.get(pk=approved.assessment_id).letter_due_since is None
    assert letters_sweep(now=later()).letters == 0


@pytest.mark.django_db(transaction=True)
def test_a_second_sweep_while_one_runs_leaves_the_letters_to_it(letters_dir):
    # Producing a letter takes a second or two: a backlog longer than the beat interval must
    # not have two workers render the same letters.
    cast = Cast()
    approved = services.application_sign_off(actor=cast.approver, application=cast.case("recommended"))
    # Outside a test transaction the letter was produced on commit: lose it again.
    Letter.objects.all().delete()
    Assessment.objects.filter(pk=approved.assessment_id).update(letter_due_since=timezone.now())
    holding, release = threading.Event(), threading.Event()

    def first_sweep():
        from django.db import connection as thread_connection

        try:
            with thread_connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [LETTERS_SWEEP_LOCK])
                holding.set()
                release.wait(30)
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LETTERS_SWEEP_LOCK])
        finally:
            thread_connection.close()

    thread = threading.Thread(target=first_sweep)
    thread.start()
    try:
        assert holding.wait(30)
        result = letters_sweep(now=later())
        assert (result.letters, result.decision_letters, result.failed, result.skipped) == (0, 0, 0, True)
        assert not Letter.objects.exists()
    finally:
        release.set()
        thread.join(30)
    assert letters_sweep(now=later()).letters == 1


def test_a_declined_case_without_its_signed_decline_is_not_due_for_ever(cast):
    # Data the workflow never makes (a decline without its signed recommendation) cannot give a
    # letter; it must not come back in every sweep as neither produced nor failed.
    declined = cast.case("declined")
    DecisionLetter.objects.filter(application=declined).delete()
    declined.recommendations.update(signed_off_by=None, signed_off_at=None)
    from assessment.selectors import decision_letters_due

    assert declined.pk not in decision_letters_due(decided_before=later())

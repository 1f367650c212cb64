"""The daily clock sweep (docs/api.md, `sla_sweep`): recompute open clocks in bulk, alert each
case once when it is at risk and once when it breaches, through the outbox."""

import datetime as dt
import io
import time

import pytest
from django.core.management import CommandError, call_command

from assessment import bulk_sql, services
from assessment.models import Application, OutboxMessage
from assessment.outbox import outbox_render
from config.celery import app as celery_app
from tests.factories import UserFactory
from tests.polling import wait_for

from .dated_cases import AT_RISK_DAY, BREACHED_DAY, DUE, SUBMITTED, dated_case, on
from .workflow_helpers import Cast

D = dt.date


def sweep(as_of):
    out = io.StringIO()
    call_command("sla_sweep", "--as-of", as_of.isoformat(), stdout=out)
    return out.getvalue().strip()


def sla_keys():
    """The alerts' keys, once each (an alert has one outbox row per person)."""
    return sorted(set(OutboxMessage.objects.filter(key__startswith="sla:").values_list("key", flat=True)))


@pytest.mark.django_db(transaction=True)
def test_each_alert_leaves_once_to_the_right_people_with_a_real_worker_and_smtp_server(celery_worker, smtp_server):  # noqa: F811
    cast = Cast()
    assigned = dated_case(cast, submitted=SUBMITTED)
    unassigned = dated_case(cast, submitted=SUBMITTED, claimed=False)
    UserFactory(role="approver", is_active=False)  # a former approver is not written to
    # The acknowledgements of the submissions leave first; only the sweep's mail counts below.
    assert wait_for(lambda: not OutboxMessage.objects.exclude(status="sent").exists())
    before = len(smtp_server.messages)

    first = sweep(AT_RISK_DAY)
    assert first == ("SLA sweep for 2027-02-19: 2 open case(s) recomputed, 2 changed, 2 alert(s) queued.")
    assert sweep(AT_RISK_DAY).endswith("2 open case(s) recomputed, 0 changed, 0 alert(s) queued.")
    assert set(Application.objects.values_list("sla_status", flat=True)) == {"at_risk"}

    assert sweep(BREACHED_DAY).endswith("2 open case(s) recomputed, 2 changed, 2 alert(s) queued.")
    assert sweep(BREACHED_DAY).endswith("0 changed, 0 alert(s) queued.")
    assert sla_keys() == sorted("sla:%d:%s" % (case.pk, status)
                                for case in (assigned, unassigned) for status in ("at_risk", "breached"))

    # One message per person: 1 + 2 at risk, 3 + 2 overdue.
    assert wait_for(lambda: len(smtp_server.messages) - before == 8)
    time.sleep(1)  # a duplicate would arrive now
    mail = smtp_server.messages[before:]
    assert len(mail) == 8
    assert all(len(envelope.rcpt_tos) == 1 for envelope in mail)
    approvers = sorted([cast.approver.email, cast.other_approver.email])
    by_subject = {}
    for envelope in mail:
        subject = next(line for line in envelope.content.decode().splitlines() if line.startswith("Subject: "))
        by_subject.setdefault(subject[len("Subject: "):], []).extend(envelope.rcpt_tos)
    by_subject = {subject: sorted(people) for subject, people in by_subject.items()}
    assert by_subject == {
        # At risk: the assessor; nobody owns the unassigned case, so the approvers who assign.
        "At risk: %s is due Tuesday 23 February" % assigned.reference: [cast.assessor.email],
        "At risk: %s is due Tuesday 23 February" % unassigned.reference: approvers,
        # Breached: the assessor and every active approver.
        "Overdue: %s was due Tuesday 23 February" % assigned.reference: sorted([cast.assessor.email, *approvers]),
        "Overdue: %s was due Tuesday 23 February" % unassigned.reference: approvers,
    }
    body = next(e.content.decode() for e in mail if b"Overdue: " + assigned.reference.encode() in e.content)
    assert "1 business day over" in body and "/applications/%d/" % assigned.pk in body
    assert "http://" in body or "https://" in body


@pytest.mark.django_db
def test_the_alert_says_when_the_case_is_due_how_many_days_are_left_and_links_to_it(settings):
    settings.SITE_URL = "https://agency.example"
    cast = Cast()
    case = dated_case(cast, submitted=SUBMITTED)
    services.sla_sweep(today=AT_RISK_DAY)
    message = OutboxMessage.objects.get(key="sla:%d:at_risk" % case.pk)
    assert message.recipient == cast.assessor.email
    assert message.subject == "At risk: %s is due Tuesday 23 February" % case.reference
    body_text, body_html = outbox_render(message)
    assert "Due: Tuesday 23 February 2027 (2 business days left)" in body_text
    assert "Assessor: %s" % cast.assessor.get_full_name() in body_text
    assert case.microcredential.title in body_text
    assert "https://agency.example/applications/%d/" % case.pk in body_text
    assert 'href="https://agency.example/applications/%d/"' % case.pk in body_html


@pytest.mark.django_db
def test_a_case_that_jumps_straight_to_breached_gets_only_the_breach_alert():
    cast = Cast()
    case = dated_case(cast, submitted=SUBMITTED)
    services.sla_sweep(today=D(2027, 3, 1))
    assert sla_keys() == ["sla:%d:breached" % case.pk]


@pytest.mark.django_db
def test_a_case_at_risk_again_after_a_pause_is_not_alerted_twice():
    cast = Cast()
    case = dated_case(cast, submitted=SUBMITTED)
    assert services.sla_sweep(today=AT_RISK_DAY).alerts == 1
    with on(D(2027, 2, 22)):
        services.application_request_info(actor=cast.assessor, application=case, message="One more document.")
    with on(D(2027, 2, 23)):
        services.application_respond(actor=cast.provider, application=case, message="Here.")
    # Paused one business day (the 23rd): due the 24th, at risk again on the 24th.
    result = services.sla_sweep(today=D(2027, 2, 24))
    assert Application.objects.get(pk=case.pk).sla_status == "at_risk"
    assert result.alerts == 0
    assert sla_keys() == ["sla:%d:at_risk" % case.pk]


@pytest.mark.django_db
def test_paused_decided_and_withdrawn_cases_are_not_alerted_and_decided_clocks_are_kept():
    cast = Cast()
    paused = dated_case(cast, submitted=SUBMITTED, pauses=[(D(2027, 2, 10), None)])
    decided = dated_case(cast, submitted=SUBMITTED, decided=D(2027, 2, 26))
    result = services.sla_sweep(today=BREACHED_DAY)
    assert (result.recomputed, result.alerts) == (1, 0)
    assert Application.objects.get(pk=paused.pk).sla_status == "paused"
    assert Application.objects.get(pk=decided.pk).sla_status == "missed"


@pytest.mark.django_db
def test_an_inactive_assessor_is_not_written_to_the_approvers_are():
    cast = Cast()
    case = dated_case(cast, submitted=SUBMITTED)
    cast.assessor.is_active = False
    cast.assessor.save()
    services.sla_sweep(today=AT_RISK_DAY)
    assert sorted(OutboxMessage.objects.filter(key="sla:%d:at_risk" % case.pk).values_list("recipient", flat=True)) \
        == sorted([cast.approver.email.lower(), cast.other_approver.email.lower()])


@pytest.mark.django_db
def test_the_sweep_stores_only_changed_clocks_and_never_overwrites_a_fresher_transition():
    cast = Cast()
    first = dated_case(cast, submitted=SUBMITTED)
    second = dated_case(cast, submitted=SUBMITTED)
    # The clocks as stored on submission day: both on track, due the 23rd.
    assert services.sla_sweep(today=D(2027, 2, 10)).changed == 0
    # A transition committed after the sweep read `second` (here: its stored state moved on).
    Application.objects.filter(pk=second.pk).update(sla_status="paused")
    written = bulk_sql.clock_rows_update([
        (first.pk, "in_review", DUE, "on_track", DUE, "at_risk"),
        (second.pk, "in_review", DUE, "on_track", DUE, "at_risk"),
    ])
    assert written == 1
    assert Application.objects.get(pk=second.pk).sla_status == "paused"


@pytest.mark.django_db
def test_a_bad_as_of_date_is_refused_with_a_clear_message():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("sla_sweep", "--as-of", "19/02/2027")


@pytest.mark.django_db
def test_without_as_of_the_sweep_runs_for_the_agency_date_of_now():
    cast = Cast()
    dated_case(cast, submitted=SUBMITTED)
    # 01:00 UTC on the 20th is still the 19th in Toronto.
    with on(D(2027, 2, 19), 20):
        out = io.StringIO()
        call_command("sla_sweep", stdout=out)
    assert out.getvalue().startswith("SLA sweep for 2027-02-19: 1 open case(s) recomputed, 1 changed, 1 alert(s)")


def test_beat_runs_the_sweep_daily_through_its_task():
    entry = celery_app.conf.beat_schedule["sla-sweep"]
    assert entry["task"] == "assessment.tasks.sla_sweep_task"
    assert entry["schedule"].hour == {6}


@pytest.mark.django_db
def test_the_task_calls_the_sweep():
    from assessment.tasks import sla_sweep_task

    cast = Cast()
    dated_case(cast, submitted=SUBMITTED)
    with on(AT_RISK_DAY):
        assert "1 alert(s) queued" in sla_sweep_task.delay().get()

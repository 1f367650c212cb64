"""The sweeps' emails are rendered when sent, from the JSON snapshot notifications.py takes
when they are caused: every name their templates use must be in that snapshot. Rendered here
with Django's `string_if_invalid` marking any name that is not, for every variant of each."""

import datetime as dt

import pytest

from assessment import notifications, services
from assessment.models import OutboxMessage
from assessment.outbox import Email, outbox_render
from assessment.review import Entry

from .dated_cases import AT_RISK_DAY, BREACHED_DAY, SUBMITTED, dated_case
from .workflow_helpers import Cast

MISSING = "MISSING[%s]"
DUE = dt.date(2027, 3, 2)


@pytest.fixture
def strict_templates(settings):
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine.get("OPTIONS", {}), "string_if_invalid": MISSING}}
        for engine in settings.TEMPLATES
    ]


def _rendered(email: Email):
    message = OutboxMessage(key=email.key, recipient="staff@example.org", subject=email.subject,
                            template=email.template, context=email.context)
    return outbox_render(message)


def _entry(**changes):
    return Entry(pk=7, reference="MCA-2026-00007", title="Welding Basics", microcredential_id=3, provider_id=2,
                 provider_name="Northern Lakes College", provider_addresses=["staff@example.org"],
                 review_due_date=DUE, review_cycle=1, step=30, reminded=False, **changes)


@pytest.mark.parametrize(("days_before", "case_id", "opening", "says"), [
    (90, 41, True, "The periodic review of \u201cWelding Basics\u201d"),
    (30, 41, False, "in 30 days"),
    (0, 41, False, "due <strong>today</strong>, Tuesday 2 March 2027"),
    (-7, 41, False, "7 days ago"),
    (30, None, False, "Another application about this micro-credential is open"),
])
def test_each_reminder_variant_names_only_what_its_snapshot_holds(strict_templates, days_before, case_id, opening,
                                                                   says):
    email = notifications.review_reminder(
        _entry(), case_id=case_id, key="review:7:1:%d" % days_before, step=days_before, days_before=days_before,
        opening=opening, lapses_on=DUE + dt.timedelta(days=30), recipients=["staff@example.org"],
    )
    text, html = _rendered(email)
    assert "MISSING" not in text + html
    assert says in html
    if days_before < 0:
        assert "If it is not filed by Thursday 1 April 2027, the assessment lapses" in text
    if case_id:
        assert "/applications/41/" in text


def test_the_lapse_notice_names_only_what_its_snapshot_holds(strict_templates):
    email = notifications.review_lapsed(_entry(current_until=DUE + dt.timedelta(days=30)), key="review:7:1:lapsed",
                                        recipients=["staff@example.org"])
    text, html = _rendered(email)
    assert "MISSING" not in text + html
    assert "due on Tuesday 2 March 2027, was not filed" in text and "current until Thursday 1 April 2027" in text
    assert "/register/MCA-2026-00007/" in text


@pytest.mark.django_db
@pytest.mark.parametrize("claimed", [True, False])
def test_each_clock_alert_names_only_what_its_snapshot_holds(strict_templates, claimed):
    cast = Cast()
    case = dated_case(cast, submitted=SUBMITTED, claimed=claimed)
    services.sla_sweep(today=AT_RISK_DAY)
    services.sla_sweep(today=BREACHED_DAY)
    for status in ("at_risk", "breached"):
        text, html = outbox_render(OutboxMessage.objects.filter(key="sla:%d:%s" % (case.pk, status)).first())
        assert "MISSING" not in text + html
        assert case.reference in text and case.microcredential.title in text
        if claimed:
            assert cast.assessor.get_full_name() in text
        else:
            assert "the case is unassigned" in text

"""The case page's clock history (assessment/clock_history.py): started, each pause and its end,
the due date, the decision, with business days used and left."""

import datetime as dt

import pytest
from django.utils import translation

from assessment import selectors
from assessment.calendar import agency_calendar
from assessment.clock_history import clock_history

from .dated_cases import dated_case, on
from .workflow_helpers import Cast

pytestmark = pytest.mark.django_db

D = dt.date


def history(application, today):
    application = selectors.applications_visible_to(Cast().approver).get(pk=application.pk)
    return clock_history(application, today=today, calendar=agency_calendar())


def lines(result):
    return [(event.on, event.label) for event in result.events]


def test_a_decided_case_with_a_pause_over_good_friday_tells_each_step():
    cast = Cast()
    # Submitted Monday 22 March 2027; paused Thursday 25 to Tuesday 30 March (Good Friday and a
    # weekend in between: 29 and 30 March paused); due 8 April; decided 7 April.
    case = dated_case(cast, submitted=D(2027, 3, 22), pauses=[(D(2027, 3, 25), D(2027, 3, 30))],
                      decided=D(2027, 4, 7))
    result = history(case, D(2027, 5, 3))
    assert lines(result) == [
        (D(2027, 3, 22), "Clock started"), (D(2027, 3, 25), "Paused"), (D(2027, 3, 30), "Resumed"),
        (D(2027, 4, 7), "Decided: met"), (D(2027, 4, 8), "Due"),
    ]
    assert result.paused_business_days == 2
    assert result.events[0].detail.endswith("due Tuesday 6 April 2027 unless the clock pauses.")
    assert "2 business days paused" in result.events[2].detail and "Thursday 8 April 2027" in result.events[2].detail
    assert result.events[3].detail == "Decided on time, after 9 business days: 1 business day to spare."
    assert (result.state.status, result.state.business_days_used) == ("met", 9)


def test_a_late_decision_says_how_late():
    cast = Cast()
    case = dated_case(cast, submitted=D(2027, 2, 8), decided=D(2027, 2, 26))
    result = history(case, D(2027, 3, 1))
    assert lines(result)[-2:] == [(D(2027, 2, 23), "Due"), (D(2027, 2, 26), "Decided: missed")]
    assert result.events[-1].detail == "Decided 3 business days late, after 13 business days."
    assert result.business_days_over == 3


def test_an_open_case_still_paused_shows_the_pause_so_far_and_the_due_date_ahead():
    cast = Cast()
    case = dated_case(cast, submitted=D(2027, 2, 8), pauses=[(D(2027, 2, 10), None)])
    result = history(case, D(2027, 2, 12))
    assert lines(result) == [
        (D(2027, 2, 8), "Clock started"), (D(2027, 2, 10), "Paused"), (D(2027, 2, 12), "Still paused"),
        (D(2027, 2, 25), "Due"),
    ]
    assert "2 business days paused so far" in result.events[2].detail
    assert result.events[-1].upcoming


def test_a_pause_answered_the_same_day_pauses_nothing():
    cast = Cast()
    case = dated_case(cast, submitted=D(2027, 2, 8), pauses=[(D(2027, 2, 10), D(2027, 2, 10))])
    result = history(case, D(2027, 2, 11))
    assert result.paused_business_days == 0
    assert "no business day paused" in result.events[2].detail
    assert result.state.due_date == D(2027, 2, 23)


def test_an_overdue_case_says_by_how_much_and_the_page_shows_the_history(client):
    cast = Cast()
    case = dated_case(cast, submitted=D(2027, 2, 8))
    result = history(case, D(2027, 2, 26))
    assert result.events[-1].detail == "Overdue by 3 business days."
    with on(D(2027, 2, 26)):
        client.force_login(cast.assessor)
        page = client.get("/applications/%d/" % case.pk).content.decode()
    assert "The ten-business-day clock" in page
    assert "13 business days used · 3 over the due date" in page
    assert "Clock started" in page and "Overdue by 3 business days." in page


def test_a_draft_has_no_clock_history(client):
    cast = Cast()
    draft = cast.case("draft")
    client.force_login(cast.provider)
    assert "The ten-business-day clock" not in client.get("/applications/%d/" % draft.pk).content.decode()


def test_the_history_is_told_in_french_with_french_dates_and_plurals():
    cast = Cast()
    case = dated_case(cast, submitted=D(2027, 3, 22), pauses=[(D(2027, 3, 25), D(2027, 3, 30))],
                      decided=D(2027, 4, 7))
    with translation.override("fr"):
        result = history(case, D(2027, 5, 3))
        assert lines(result) == [
            (D(2027, 3, 22), "Délai démarré"), (D(2027, 3, 25), "Suspendu"), (D(2027, 3, 30), "Repris"),
            (D(2027, 4, 7), "Décidé\u00a0: respecté"), (D(2027, 4, 8), "Échéance"),
        ]
        assert result.events[0].detail.endswith("échéance le mardi 6 avril 2027, sauf si le délai est suspendu.")
        assert "suspension de 2 jours ouvrables" in result.events[2].detail
        assert "jeudi 8 avril 2027" in result.events[2].detail
        assert result.events[3].detail == "Décidé à temps, après 9 jours ouvrables\u00a0: 1 jour ouvrable d’avance."


def test_an_overdue_case_in_french_says_by_how_much():
    cast = Cast()
    case = dated_case(cast, submitted=D(2027, 2, 8))
    with translation.override("fr"):
        result = history(case, D(2027, 2, 26))
        assert result.events[-1].detail == "En retard de 3 jours ouvrables."

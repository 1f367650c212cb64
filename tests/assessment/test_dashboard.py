"""The agency's dashboard: open cases by clock, decisions per month and the share met, business
days to decision, workload per assessor; the same figures as CSV; a fixed number of queries."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from assessment import services
from assessment.calendar import agency_calendar
from assessment.performance import business_days_to_decision, decisions_by_month, period_start
from tests.factories import UserFactory

from .dated_cases import dated_case, on
from .workflow_helpers import Cast

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2027, 3, 15)


@pytest.fixture
def agency():
    """Four decisions and three open cases, on known dates:
    - February: 4 business days (met); 10, decided on the due date over Family Day (met); 13 (missed);
    - March: submitted the 1st, paused 2 to 5 March (3 business days), decided the 12th: 6 (met);
    - open on 15 March: one on track, one at risk, one unassigned and overdue."""
    cast = Cast()
    cast.assessor.name = "Ada Assessor"
    cast.assessor.save()
    dated_case(cast, submitted=D(2027, 2, 1), decided=D(2027, 2, 5))
    dated_case(cast, submitted=D(2027, 2, 8), decided=D(2027, 2, 23))
    dated_case(cast, submitted=D(2027, 2, 8), decided=D(2027, 2, 26), outcome="decline")
    dated_case(cast, submitted=D(2027, 3, 1), pauses=[(D(2027, 3, 2), D(2027, 3, 5))], decided=D(2027, 3, 12))
    # A decision over a year ago is outside the period.
    dated_case(cast, submitted=D(2026, 2, 2), decided=D(2026, 2, 27))
    dated_case(cast, submitted=D(2027, 3, 12))  # due 26 March: on track
    dated_case(cast, submitted=D(2027, 3, 1))  # due 15 March: at risk
    dated_case(cast, submitted=D(2027, 2, 22), claimed=False)  # due 8 March: overdue
    services.sla_sweep(today=TODAY)
    return cast


def page(client, user, path="/dashboard/"):
    # Signed in on the day itself: a session from today's real date would have expired.
    with on(TODAY, 14):
        client.force_login(user)
        return client.get(path)


def test_the_months_count_decisions_met_and_missed(agency):
    months = decisions_by_month(TODAY)
    assert [m.month for m in months][0] == D(2026, 4, 1) and months[-1].month == D(2027, 3, 1)
    february, march = months[-2], months[-1]
    assert (february.total, february.met, february.missed, round(february.share_met * 100)) == (3, 2, 1, 67)
    assert (march.total, march.met, march.share_met) == (1, 1, 1.0)
    assert sum(m.total for m in months[:-2]) == 0


def test_business_days_to_decision_leave_paused_days_out(agency):
    days = business_days_to_decision(since=period_start(TODAY), calendar=agency_calendar())
    assert sorted(days.tolist()) == [4, 6, 10, 13]


def test_the_page_shows_the_share_met_the_median_the_90th_percentile_and_the_workload(client, agency):
    response = page(client, agency.assessor)
    assert response.status_code == 200
    html = response.content.decode()
    # 3 of 4 decisions met; median of 4, 6, 10, 13 is 8; 90th percentile 10 + 0.7 × 3 = 12.1.
    assert "<strong>3 of 4</strong> decisions (75%)" in html
    assert "<strong>8</strong> business days or fewer" in html and "<strong>12.1</strong> or fewer" in html
    assert '<th scope="row">February 2027</th><td class="agency-number">3</td><td class="agency-number">2</td>' \
           '<td class="agency-number">1</td><td class="agency-number">67%</td>' in html
    # Open cases by clock: 1 on track, 1 at risk, 1 overdue, of which 1 unassigned.
    assert '<th scope="row">At risk</th><td class="agency-number">1</td>' in html
    assert '<th scope="row">Overdue</th><td class="agency-number">1</td>' in html
    assert '<th scope="row">Of which unassigned</th><td class="agency-number">1</td>' in html
    assert '<th scope="row">Ada Assessor</th><td class="agency-number">2</td><td class="agency-number">1</td>' \
           '<td class="agency-number">1</td><td class="agency-number">0</td><td class="agency-number">0</td>' in html
    # The charts are inline SVG with a title and their numbers as text.
    assert html.count('role="img"') == 4 and "<title id=\"chart-decisions-title\">" in html
    assert ">67%</text>" in html and "cdn" not in html.lower()


def test_the_csv_has_every_section_with_its_figures(client, agency):
    response = page(client, agency.approver, "/dashboard/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="agency-performance-2027-03-15.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Agency performance against the ten-business-day promise"]
    assert ["As of", "2027-03-15"] in rows
    for title in ("Open cases by clock status", "Decisions per month", "Business days to decision",
                  "Workload per assessor"):
        assert [title] in rows
    assert ["2027-02", "3", "2", "1", "67%"] in rows
    assert ["Last 12 months", "4", "3", "1", "75%"] in rows
    assert ["Median", "8"] in rows and ["90th percentile", "12.1"] in rows
    assert ["At risk", "1"] in rows and ["Of which unassigned", "1"] in rows
    assert ["Ada Assessor", agency.assessor.email, "2", "1", "1", "0", "0"] in rows


def _queries(client, user, path):
    with on(TODAY, 14):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
    return len(queries)


def test_the_page_and_the_csv_cost_a_fixed_number_of_queries(client, agency):
    page_queries = _queries(client, agency.approver, "/dashboard/")
    csv_queries = _queries(client, agency.approver, "/dashboard/export.csv")
    # More cases, decisions, pauses and assessors cost no more queries.
    for _ in range(3):
        more = Cast()
        dated_case(more, submitted=D(2027, 1, 4), pauses=[(D(2027, 1, 5), D(2027, 1, 6))], decided=D(2027, 1, 20))
        dated_case(more, submitted=D(2027, 3, 8))
    assert _queries(client, agency.approver, "/dashboard/") == page_queries
    assert _queries(client, agency.approver, "/dashboard/export.csv") == csv_queries
    # Session and user, then: open cases, decisions per month, decided cases, their pauses,
    # the assessors' workload, the reviews due (entries, their review cases, their reminders;
    # one query when none is due); the page's header adds the user's organisation.
    assert csv_queries == 10
    assert page_queries == 11


def test_an_empty_agency_reads_without_errors(client):
    response = page(client, UserFactory(role="admin"))
    assert response.status_code == 200
    assert "No decisions in the last twelve months." in response.content.decode()


@pytest.mark.parametrize("role", ["provider", "registrar"])
def test_providers_and_registrars_are_refused(client, role):
    for path in ("/dashboard/", "/dashboard/export.csv"):
        assert page(client, UserFactory(role=role), path).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    for path in ("/dashboard/", "/dashboard/export.csv"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role, sees", [("assessor", True), ("approver", True), ("admin", True),
                                        ("provider", False), ("registrar", False)])
def test_the_dashboard_is_in_the_agency_staffs_navigation(client, role, sees):
    client.force_login(UserFactory(role=role))
    assert ('href="/dashboard/"' in client.get("/").content.decode()) is sees


def test_the_csv_neutralises_a_title_that_starts_like_a_formula(client, settings, tmp_path, signing_var_dir):
    """A provider writes the title; a spreadsheet opening the export must show it, not run it."""
    from tests.credentials.register_world import issue, people
    from tests.factories import MicroCredentialFactory

    settings.MEDIA_ROOT, settings.VAR_DIR = tmp_path, signing_var_dir
    staff = people()
    # Current from 2 March 2026: its review is due 2 March 2027, overdue on TODAY and listed.
    for title in ('=HYPERLINK("http://x","y")', ' +SUM(A1)'):
        issue(staff, letter=False, microcredential=MicroCredentialFactory(title=title), current_from=D(2026, 3, 2))
    response = page(client, staff["approver"], "/dashboard/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    titles = {row[1] for row in rows if len(row) > 2 and row[0].startswith("MCA-")}
    assert titles == {"'=HYPERLINK(\"http://x\",\"y\")", "' +SUM(A1)"}
    # Figures stay numbers: the counts are not prefixed.
    assert ["Total", "0"] in rows


def test_the_charts_and_the_csv_follow_the_language(agency):
    from assessment.dashboard import csv_rows, dashboard

    with translation.override("fr"):
        sections = {item.section.key: item for item in dashboard(today=TODAY, calendar=agency_calendar())}
        decisions = sections["decisions"].data["chart"]
        assert decisions.title == "Décisions par mois, délai respecté ou dépassé"
        assert [bar.label for bar in decisions.bars][-3:] == ["janv.", "févr.", "mars"]
        # February: 2 of 3 decisions met; a month without decisions says so.
        assert decisions.bars[-2].total_text == "67\u00a0%" and decisions.bars[0].total_text == "aucune"
        assert "février 2027\u00a0: 3\u00a0décisions" not in decisions.description
        assert "février 2027\u00a0: 3 décisions, 2 dans le délai (67\u00a0%)" in decisions.description
        assert decisions.axis_label.startswith("Mois de la décision")
        days = sections["days"].data["chart"]
        assert [marker.label for marker in days.markers][0] == "Engagement\u00a0: 10"
        assert days.description.startswith("4 décisions au cours des 12 derniers mois\u00a0; médiane 8, 90e centile")
        opened = sections["open"].data["chart"]
        assert [series.label for series in opened.series][:2] == ["Dans les temps",
                                                                  "À risque (2 jours ouvrables ou moins)"]
        assert [bar.total_text for bar in opened.bars][:2] == ["1 dossier", "1 dossier"]
        rows = list(csv_rows(list(sections.values()), today=TODAY))
        assert rows[0] == ["Rendement de l’Agence par rapport à l’engagement de dix jours ouvrables"]
        assert ["Dossiers ouverts selon l’état du délai"] in rows
    with translation.override("en"):
        decisions = dashboard(today=TODAY, calendar=agency_calendar())[1].data["chart"]
        assert [bar.label for bar in decisions.bars][-3:] == ["Jan", "Feb", "Mar"]
        assert decisions.bars[-2].total_text == "67%"


def test_the_french_charts_draw_coordinates_svg_can_read(agency):
    """The charts' coordinates are numbers for SVG, never localised ("12,5" is no coordinate)."""
    import re

    from django.template.loader import render_to_string

    from assessment.dashboard import dashboard

    with translation.override("fr"):
        sections = {item.section.key: item for item in dashboard(today=TODAY, calendar=agency_calendar())}
        drawn = render_to_string("assessment/dashboard/_columns_chart.html", {"chart": sections["days"].data["chart"]})
        drawn += render_to_string("assessment/dashboard/_hbars_chart.html", {"chart": sections["open"].data["chart"]})
    coordinates = re.findall(r'\b(?:x|y|x1|y1|x2|y2|width|height)="([^"]*)"', drawn)
    assert coordinates and not [value for value in coordinates if "," in value]
    assert "Engagement\u00a0: 10" in drawn

"""The agency's dashboard as a list of sections: each reads its figures (assessment.performance),
shapes its chart (assessment.charts), and gives its rows to the CSV export.

To add a section: write a `data(today, calendar) -> dict` and a `csv(data) -> rows` function,
a partial under templates/assessment/dashboard/ that draws `section.data`, and append a
`Section` to SECTIONS. The page and the CSV follow the list's order; a test pins the page's
query count, so a new section's reads should be a fixed number of aggregate queries too.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from . import charts, clock, performance

STATUS_SERIES = {
    clock.ON_TRACK: charts.Series(clock.ON_TRACK, "On track", "on_track", "solid"),
    clock.AT_RISK: charts.Series(clock.AT_RISK, "At risk (2 or fewer business days left)", "at_risk", "hatch"),
    clock.PAUSED: charts.Series(clock.PAUSED, "Paused (waiting for the provider)", "paused", "dots"),
    clock.BREACHED: charts.Series(clock.BREACHED, "Overdue", "breached", "cross"),
}
MET = charts.Series(clock.MET, "Met: decided within ten business days", "met", "solid")
MISSED = charts.Series(clock.MISSED, "Missed: decided late", "missed", "hatch")
DAYS = charts.Series("days", "Decisions", "days", "solid")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    data: Callable
    csv: Callable


def _percent(share):
    return "–" if share is None else "%d%%" % round(share * 100)


def _number(value):
    if value is None:
        return "–"
    return ("%.1f" % value).removesuffix(".0")


def open_cases_data(today, calendar):
    cases = performance.open_cases()
    chart = charts.horizontal_bars(
        "chart-open", title="Open cases by clock status",
        description="; ".join("%s: %d" % (row["label"], row["count"]) for row in cases.rows),
        series=list(STATUS_SERIES.values()),
        rows=[(row["label"], {row["status"]: row["count"]}, "%d case%s" % (row["count"], "" if row["count"] == 1 else "s"))
              for row in cases.rows],
        label_width=110, segment_text=False,
    )
    return {"cases": cases, "chart": chart}


def open_cases_csv(data):
    cases = data["cases"]
    return [["Clock status", "Open cases"], *[[row["label"], row["count"]] for row in cases.rows],
            ["Total", cases.total], ["Of which unassigned", cases.unassigned]]


def decisions_data(today, calendar):
    months = performance.decisions_by_month(today)
    met = sum(m.met for m in months)
    total = sum(m.total for m in months)
    chart = charts.columns(
        "chart-decisions", title="Decisions per month, met and missed",
        description="; ".join("%s: %d decisions, %d met (%s)" % (m.month.strftime("%B %Y"), m.total, m.met,
                                                               _percent(m.share_met)) for m in months),
        series=[MET, MISSED],
        # The year under the first month and under each January.
        rows=[((m.month.strftime("%b"), m.month.strftime("%Y") if i == 0 or m.month.month == 1 else ""),
               {clock.MET: m.met, clock.MISSED: m.missed}) for i, m in enumerate(months)],
        # A month without decisions says so rather than leave a gap that reads as missing data.
        top_texts=[_percent(m.share_met) if m.total else "none" for m in months],
        axis_label="Month of decision · above each column: the share met (none: no decisions)",
    )
    share_met = met / total if total else None
    return {"months": months, "chart": chart, "met": met, "total": total, "share_met": share_met,
            "share_met_text": _percent(share_met)}


def decisions_csv(data):
    rows = [["Month", "Decisions", "Met within ten business days", "Missed", "Share met"]]
    rows += [[m.month.strftime("%Y-%m"), m.total, m.met, m.missed, _percent(m.share_met)] for m in data["months"]]
    rows.append(["Last 12 months", data["total"], data["met"], data["total"] - data["met"], _percent(data["share_met"])])
    return rows


def time_to_decision_data(today, calendar):
    result = performance.time_to_decision(today=today, calendar=calendar)
    markers = [("Promise: 10", clock.TARGET_BUSINESS_DAYS + 1)]
    if result.median is not None:
        markers.append(("Median %s" % _number(result.median), min(result.median, performance.DAYS_CAP + 1) + 0.5))
        markers.append(("90th percentile %s" % _number(result.p90), min(result.p90, performance.DAYS_CAP + 1) + 0.5))
    chart = charts.columns(
        "chart-days", title="Business days from submission to decision",
        description="%d decisions in the last 12 months; median %s, 90th percentile %s business days."
        % (result.decisions, _number(result.median), _number(result.p90)),
        series=[DAYS], rows=[(label, {"days": count}) for label, count in result.histogram],
        markers=markers, axis_label="Business days to decision (paused days not counted)", segment_text=False,
    )
    return {"result": result, "chart": chart, "median": _number(result.median), "p90": _number(result.p90),
            "share_within": _percent(result.share_within_target)}


def time_to_decision_csv(data):
    result = data["result"]
    rows = [["Measure", "Business days"], ["Decisions (last 12 months)", result.decisions],
            ["Median", data["median"]], ["90th percentile", data["p90"]],
            ["Share decided within 10 business days used", data["share_within"]], [],
            ["Business days to decision", "Decisions"]]
    return rows + [[label, count] for label, count in result.histogram]


def workload_data(today, calendar):
    people = performance.assessor_workload()
    chart = charts.horizontal_bars(
        "chart-workload", title="Open cases per assessor",
        description="; ".join("%s: %d open, %d at risk, %d overdue" % (p.name, p.open, p.at_risk, p.breached)
                              for p in people),
        series=list(STATUS_SERIES.values()),
        rows=[(p.name, {clock.ON_TRACK: p.on_track, clock.AT_RISK: p.at_risk, clock.PAUSED: p.paused,
                        clock.BREACHED: p.breached}, "%d open" % p.open) for p in people],
    )
    return {"people": people, "chart": chart}


def workload_csv(data):
    return [["Assessor", "Email", "Open cases", "On track", "At risk", "Paused", "Overdue"],
            *[[p.name, p.email, p.open, p.on_track, p.at_risk, p.paused, p.breached] for p in data["people"]]]


def reviews_data(today, calendar):
    """Periodic reviews overdue (not yet lapsed) and due within the review window."""
    from .selectors import reviews_due_all

    reviews = reviews_due_all(as_of=today)
    return {
        "overdue": [review for review in reviews if review.overdue],
        "upcoming": [review for review in reviews if not review.overdue],
        "days_ahead": settings.REVIEW_OPENS_DAYS_BEFORE,
    }


def reviews_csv(data):
    rows = [["Assessment", "Title", "Provider", "Review due", "Lapses on", "Overdue", "Review case", "Case state",
             "Reminders sent", "Anyone to remind"]]
    for review in data["overdue"] + data["upcoming"]:
        case = review.case
        rows.append([
            review.assessment.reference, review.assessment.title, review.assessment.provider.name,
            review.due_date.isoformat(), review.lapses_on.isoformat(), "yes" if review.overdue else "no",
            (case.reference or "draft") if case else "", case.get_state_display() if case else "",
            "; ".join(reminder.label for reminder in review.reminders),
            "no: the provider has no active account" if review.nobody_to_remind else "yes",
        ])
    return rows


SECTIONS = [
    Section("open", "Open cases by clock status", "assessment/dashboard/_open.html", open_cases_data, open_cases_csv),
    Section("decisions", "Decisions per month", "assessment/dashboard/_decisions.html", decisions_data, decisions_csv),
    Section("days", "Business days to decision", "assessment/dashboard/_days.html", time_to_decision_data,
            time_to_decision_csv),
    Section("workload", "Workload per assessor", "assessment/dashboard/_workload.html", workload_data, workload_csv),
    Section("reviews", "Periodic reviews due", "assessment/dashboard/_reviews.html", reviews_data, reviews_csv),
]


@dataclass(frozen=True)
class SectionData:
    section: Section
    data: dict


def dashboard(*, today, calendar, sections=None) -> list[SectionData]:
    return [SectionData(section, section.data(today, calendar)) for section in (sections or SECTIONS)]


def csv_rows(sections: list[SectionData], *, today):
    """One CSV for a spreadsheet: a title, then each section as its name, a header row and
    its rows, separated by a blank line."""
    yield ["Agency performance against the ten-business-day promise"]
    yield ["As of", today.isoformat()]
    for item in sections:
        yield []
        yield [item.section.title]
        yield from item.section.csv(item.data)


__all__ = ["SECTIONS", "Section", "csv_rows", "dashboard"]

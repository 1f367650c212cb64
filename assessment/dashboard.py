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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from config.dates import month_year, short_month
from config.numbers import decimal_text, percent_text

from . import charts, clock, performance

STATUS_SERIES = {
    clock.ON_TRACK: charts.Series(clock.ON_TRACK, gettext_lazy("On track"), "on_track", "solid"),
    clock.AT_RISK: charts.Series(clock.AT_RISK, gettext_lazy("At risk (2 or fewer business days left)"), "at_risk", "hatch"),
    clock.PAUSED: charts.Series(clock.PAUSED, gettext_lazy("Paused (waiting for the provider)"), "paused", "dots"),
    clock.BREACHED: charts.Series(clock.BREACHED, gettext_lazy("Overdue"), "breached", "cross"),
}
MET = charts.Series(clock.MET, gettext_lazy("Met: decided within ten business days"), "met", "solid")
MISSED = charts.Series(clock.MISSED, gettext_lazy("Missed: decided late"), "missed", "hatch")
DAYS = charts.Series("days", gettext_lazy("Decisions"), "days", "solid")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    data: Callable
    csv: Callable


def _percent(share):
    return percent_text(share)


def _number(value):
    return "–" if value is None else decimal_text(value)


def open_cases_data(today, calendar):
    cases = performance.open_cases()
    chart = charts.horizontal_bars(
        "chart-open", title=_("Open cases by clock status"),
        description="; ".join(_("%(label)s: %(count)d") % {"label": row["label"], "count": row["count"]}
                              for row in cases.rows),
        series=list(STATUS_SERIES.values()),
        rows=[(row["label"], {row["status"]: row["count"]},
               ngettext("%(count)d case", "%(count)d cases", row["count"]) % {"count": row["count"]})
              for row in cases.rows],
        label_width=110, segment_text=False,
    )
    return {"cases": cases, "chart": chart}


def open_cases_csv(data):
    cases = data["cases"]
    return [[_("Clock status"), _("Open cases")], *[[row["label"], row["count"]] for row in cases.rows],
            [_("Total"), cases.total], [_("Of which unassigned"), cases.unassigned]]


def decisions_data(today, calendar):
    months = performance.decisions_by_month(today)
    met = sum(m.met for m in months)
    total = sum(m.total for m in months)
    chart = charts.columns(
        "chart-decisions", title=_("Decisions per month, met and missed"),
        description="; ".join(
            ngettext("%(month)s: %(total)d decision, %(met)d met (%(share)s)",
                     "%(month)s: %(total)d decisions, %(met)d met (%(share)s)", m.total)
            % {"month": month_year(m.month), "total": m.total, "met": m.met, "share": _percent(m.share_met)}
            for m in months),
        series=[MET, MISSED],
        # The year under the first month and under each January.
        rows=[((short_month(m.month), m.month.strftime("%Y") if i == 0 or m.month.month == 1 else ""),
               {clock.MET: m.met, clock.MISSED: m.missed}) for i, m in enumerate(months)],
        # A month without decisions says so rather than leave a gap that reads as missing data.
        top_texts=[_percent(m.share_met) if m.total else _("none") for m in months],
        axis_label=_("Month of decision · above each column: the share met (none: no decisions)"),
    )
    share_met = met / total if total else None
    return {"months": months, "chart": chart, "met": met, "total": total, "share_met": share_met,
            "share_met_text": _percent(share_met)}


def decisions_csv(data):
    rows = [[_("Month"), _("Decisions"), _("Met within ten business days"), _("Missed"), _("Share met")]]
    rows += [[m.month.strftime("%Y-%m"), m.total, m.met, m.missed, _percent(m.share_met)] for m in data["months"]]
    rows.append([_("Last 12 months"), data["total"], data["met"], data["total"] - data["met"], _percent(data["share_met"])])
    return rows


def time_to_decision_data(today, calendar):
    result = performance.time_to_decision(today=today, calendar=calendar)
    markers = [(_("Promise: %(days)d") % {"days": clock.TARGET_BUSINESS_DAYS}, clock.TARGET_BUSINESS_DAYS + 1)]
    if result.median is not None:
        markers.append((_("Median %(days)s") % {"days": _number(result.median)}, min(result.median, performance.DAYS_CAP + 1) + 0.5))
        markers.append((_("90th percentile %(days)s") % {"days": _number(result.p90)}, min(result.p90, performance.DAYS_CAP + 1) + 0.5))
    chart = charts.columns(
        "chart-days", title=_("Business days from submission to decision"),
        description=ngettext(
            "%(count)d decision in the last 12 months; median %(median)s, 90th percentile %(p90)s business days.",
            "%(count)d decisions in the last 12 months; median %(median)s, 90th percentile %(p90)s business days.",
            result.decisions,
        ) % {"count": result.decisions, "median": _number(result.median), "p90": _number(result.p90)},
        series=[DAYS], rows=[(label, {"days": count}) for label, count in result.histogram],
        markers=markers, axis_label=_("Business days to decision (paused days not counted)"), segment_text=False,
    )
    return {"result": result, "chart": chart, "median": _number(result.median), "p90": _number(result.p90),
            "share_within": _percent(result.share_within_target)}


def time_to_decision_csv(data):
    result = data["result"]
    rows = [[_("Measure"), _("Business days")], [_("Decisions (last 12 months)"), result.decisions],
            [_("Median"), data["median"]], [_("90th percentile"), data["p90"]],
            [_("Share decided within 10 business days used"), data["share_within"]], [],
            [_("Business days to decision"), _("Decisions")]]
    return rows + [[label, count] for label, count in result.histogram]


def workload_data(today, calendar):
    people = performance.assessor_workload()
    chart = charts.horizontal_bars(
        "chart-workload", title=_("Open cases per assessor"),
        description="; ".join(_("%(name)s: %(open)d open, %(at_risk)d at risk, %(overdue)d overdue")
                              % {"name": p.name, "open": p.open, "at_risk": p.at_risk, "overdue": p.breached}
                              for p in people),
        series=list(STATUS_SERIES.values()),
        rows=[(p.name, {clock.ON_TRACK: p.on_track, clock.AT_RISK: p.at_risk, clock.PAUSED: p.paused,
                        clock.BREACHED: p.breached}, _("%(count)d open") % {"count": p.open}) for p in people],
    )
    return {"people": people, "chart": chart}


def workload_csv(data):
    return [[_("Assessor"), _("Email"), _("Open cases"), _("On track"), _("At risk"), _("Paused"), _("Overdue")],
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
    rows = [[_("Assessment"), _("Title"), _("Provider"), _("Review due"), _("Lapses on"), _("Overdue"), _("Review case"),
             _("Case state"), _("Reminders sent"), _("Anyone to remind")]]
    for review in data["overdue"] + data["upcoming"]:
        case = review.case
        rows.append([
            review.assessment.reference, review.assessment.title, review.assessment.provider.name,
            review.due_date.isoformat(), review.lapses_on.isoformat(), _("yes") if review.overdue else _("no"),
            (case.reference or _("draft")) if case else "", case.get_state_display() if case else "",
            "; ".join(reminder.label for reminder in review.reminders),
            _("no: the provider has no active account") if review.nobody_to_remind else _("yes"),
        ])
    return rows


SECTIONS = [
    Section("open", gettext_lazy("Open cases by clock status"), "assessment/dashboard/_open.html", open_cases_data, open_cases_csv),
    Section("decisions", gettext_lazy("Decisions per month"), "assessment/dashboard/_decisions.html", decisions_data, decisions_csv),
    Section("days", gettext_lazy("Business days to decision"), "assessment/dashboard/_days.html", time_to_decision_data,
            time_to_decision_csv),
    Section("workload", gettext_lazy("Workload per assessor"), "assessment/dashboard/_workload.html", workload_data, workload_csv),
    Section("reviews", gettext_lazy("Periodic reviews due"), "assessment/dashboard/_reviews.html", reviews_data, reviews_csv),
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
    yield [_("Agency performance against the ten-business-day promise")]
    yield [_("As of"), today.isoformat()]
    for item in sections:
        yield []
        yield [item.section.title]
        yield from item.section.csv(item.data)


__all__ = ["SECTIONS", "Section", "csv_rows", "dashboard"]

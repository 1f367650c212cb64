"""How the agency keeps its ten-business-day promise: the reads behind `/dashboard/` and its CSV.

Every figure is aggregated in the database, in a fixed number of queries whatever the number of
cases; the business days to each decision come from the clock's bulk form over the decided
cases of the period (one query for the cases, one for their pauses), summarised with numpy.
Open cases are counted by their stored clock (`sla_status`, as the last transition or the
daily sweep left it), as the queue shows them.
"""

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, DateField, Q
from django.db.models.functions import Trunc, TruncDate
from django.utils.translation import gettext_lazy

from accounts.models import User

from . import clock, clock_bulk
from .models import Application, InformationRequest

MONTHS = 12
OPEN_STATUSES = (clock.ON_TRACK, clock.AT_RISK, clock.PAUSED, clock.BREACHED)
STATUS_LABELS = {
    clock.ON_TRACK: gettext_lazy("On track"), clock.AT_RISK: gettext_lazy("At risk"), clock.PAUSED: gettext_lazy("Paused"),
    clock.BREACHED: gettext_lazy("Overdue"),
}
# Business days to decision beyond this are one bar: a chart of outliers is unreadable.
DAYS_CAP = 20


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def period_start(today: dt.date) -> dt.date:
    """The first day of the month eleven months before this one: twelve calendar months."""
    return _month_start(today, MONTHS - 1)


def _agency_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.AGENCY_TIME_ZONE)


@dataclass(frozen=True)
class OpenCases:
    by_status: dict[str, int]
    unassigned: int

    @property
    def total(self):
        return sum(self.by_status.values())

    @property
    def rows(self):
        return [{"status": s, "label": STATUS_LABELS[s], "count": self.by_status[s]} for s in OPEN_STATUSES]


def open_cases() -> OpenCases:
    """Open cases by clock status (one query)."""
    counts = dict.fromkeys(OPEN_STATUSES, 0)
    unassigned = 0
    rows = (
        Application.objects.filter(state__in=Application.OPEN_STATES).order_by()
        .values("sla_status").annotate(n=Count("id"), unassigned=Count("id", filter=Q(assigned_to__isnull=True)))
    )
    for row in rows:
        # A stored status outside the open ones would be a clock not refreshed yet; it is
        # still an open case, counted with those on track rather than dropped.
        status = row["sla_status"] if row["sla_status"] in counts else clock.ON_TRACK
        counts[status] += row["n"]
        unassigned += row["unassigned"]
    return OpenCases(counts, unassigned)


@dataclass(frozen=True)
class MonthOfDecisions:
    month: dt.date
    met: int
    missed: int

    @property
    def total(self):
        return self.met + self.missed

    @property
    def share_met(self) -> float | None:
        return self.met / self.total if self.total else None


def decisions_by_month(today: dt.date) -> list[MonthOfDecisions]:
    """Decisions of each of the last twelve months (agency time), met and missed (one query).
    Every month appears, those without decisions with zeros."""
    start = period_start(today)
    rows = (
        Application.objects.filter(decided_at__gte=_agency_midnight(start), decided_at__isnull=False)
        .annotate(month=Trunc("decided_at", "month", output_field=DateField(), tzinfo=clock.AGENCY_TIME_ZONE))
        .order_by().values("month")
        .annotate(met=Count("id", filter=Q(sla_status=clock.MET)), missed=Count("id", filter=Q(sla_status=clock.MISSED)))
    )
    found = {row["month"]: row for row in rows}
    months = []
    for back in range(MONTHS - 1, -1, -1):
        month = _month_start(today, back)
        row = found.get(month, {"met": 0, "missed": 0})
        months.append(MonthOfDecisions(month, row["met"], row["missed"]))
    return months


@dataclass(frozen=True)
class TimeToDecision:
    """Business days from submission to decision, paused days not counted, over the period."""

    decisions: int
    median: float | None
    p90: float | None
    within_target: int
    # (label, number of decisions) for 0..DAYS_CAP business days, then "more".
    histogram: list[tuple[str, int]] = field(default_factory=list)

    @property
    def share_within_target(self):
        return self.within_target / self.decisions if self.decisions else None


def business_days_to_decision(*, since: dt.date, calendar) -> np.ndarray:
    """The business days each case decided since `since` took, paused days not counted: the
    clock's `business_days_used` on its decision day (two queries, then numpy)."""
    decided = (
        Application.objects.filter(decided_at__gte=_agency_midnight(since), submitted_at__isnull=False)
        .annotate(
            submitted_on=TruncDate("submitted_at", tzinfo=clock.AGENCY_TIME_ZONE),
            decided_on=TruncDate("decided_at", tzinfo=clock.AGENCY_TIME_ZONE),
        )
        .order_by().values_list("pk", "submitted_on", "decided_on")
    )
    rows = list(decided)
    if not rows:
        return np.empty(0, dtype=np.int64)
    pks, submitted_on, decided_on = zip(*rows, strict=True)
    position = {pk: index for index, pk in enumerate(pks)}
    pauses = [
        pause for pause in InformationRequest.objects.filter(application__decided_at__gte=_agency_midnight(since))
        .order_by().values_list("application_id", "requested_on", "responded_on")
        if pause[0] in position
    ]
    states = clock_bulk.clock_states(
        clock_bulk.date_array(submitted_on),
        pause_case=np.fromiter((position[pause[0]] for pause in pauses), dtype=np.intp, count=len(pauses)),
        pause_requested_on=clock_bulk.date_array([pause[1] for pause in pauses]),
        pause_responded_on=clock_bulk.date_array([pause[2] for pause in pauses]),
        decided_on=clock_bulk.date_array(decided_on),
        today=max(decided_on),
        calendar=calendar,
    )
    return states.business_days_used


def time_to_decision(*, today: dt.date, calendar) -> TimeToDecision:
    days = business_days_to_decision(since=period_start(today), calendar=calendar)
    capped = np.minimum(days, DAYS_CAP + 1)
    counts = np.bincount(capped, minlength=DAYS_CAP + 2)
    histogram = [(str(n), int(counts[n])) for n in range(DAYS_CAP + 1)] + [("%d+" % (DAYS_CAP + 1), int(counts[-1]))]
    if days.size == 0:
        return TimeToDecision(0, None, None, 0, histogram)
    return TimeToDecision(
        decisions=int(days.size),
        median=float(np.median(days)),
        p90=float(np.percentile(days, 90)),
        within_target=int((days <= clock.TARGET_BUSINESS_DAYS).sum()),
        histogram=histogram,
    )


@dataclass(frozen=True)
class AssessorLoad:
    name: str
    email: str
    open: int
    on_track: int
    at_risk: int
    paused: int
    breached: int


def assessor_workload() -> list[AssessorLoad]:
    """Open cases per active assessor and approver, and how many are at risk, paused or
    overdue (one query); people with no open case are listed too, as spare capacity."""
    open_q = Q(assigned_applications__state__in=Application.OPEN_STATES)

    def status(name):
        return Count("assigned_applications", filter=open_q & Q(assigned_applications__sla_status=name))

    people = (
        User.objects.filter(role__in=[User.Role.ASSESSOR, User.Role.APPROVER], is_active=True)
        .annotate(
            open_count=Count("assigned_applications", filter=open_q),
            on_track=status(clock.ON_TRACK), at_risk=status(clock.AT_RISK),
            paused=status(clock.PAUSED), breached=status(clock.BREACHED),
        )
        .order_by("-open_count", "name", "email")
    )
    return [
        AssessorLoad(p.get_full_name(), p.email, p.open_count, p.on_track, p.at_risk, p.paused, p.breached)
        for p in people
    ]

"""The daily clock sweep's recompute over 100,000 open cases in PostgreSQL, against a bare read of
the same rows (docs/architecture.md, "Performance"; target: the recompute costs no more than 3x the read).

The cases (and their pauses: about half paused once, a tenth twice, a third of the latest
pauses unanswered) are bulk-created in one transaction that is rolled back at the end. Their
stored clocks are those of the previous business day, and the cases at risk or overdue then
were alerted then (their outbox keys exist), as after yesterday's sweep: today's run changes
and alerts only what moved overnight.

- read: the rows the recompute reads (the open cases' id, state, submission, stored clock,
  and their pauses) through `values_list`, each value touched once in a Python loop;
- recompute: `assessment.services.open_clocks_recompute`, the sweep's bulk part (two reads,
  `clock_states`, one UPDATE ... FROM (VALUES ...) per 5,000 changed rows);
- the whole `sla_sweep` (recompute, then the alerts queued in the outbox; nothing is sent: the
  transaction never commits) is timed once and reported beside the ratio.

Each measurement runs in a savepoint rolled back afterwards, so every run faces the same work.
Usage: DATABASE_URL=postgres://... .venv/bin/python benchmarks/clock.py [--cases N] [--repeat R]
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from clock_core import TODAY, synthetic_cases  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import Organisation, User  # noqa: E402
from assessment import clock, clock_bulk, services  # noqa: E402
from assessment.calendar import agency_calendar  # noqa: E402
from assessment.models import Application, InformationRequest, OutboxMessage  # noqa: E402
from credentials.models import MicroCredential  # noqa: E402

TARGET_RATIO = 3.0


class Rollback(Exception):
    pass


def _moment(day):
    return dt.datetime.combine(day, dt.time(10), tzinfo=clock.AGENCY_TIME_ZONE)


def create_cases(n, calendar):
    """n open cases with their pauses and yesterday's stored clock; answers the number of pauses."""
    cases = synthetic_cases(n)
    open_cases = np.isnat(cases["decided_on"])
    # Decided cases of the synthetic set become open ones here: the sweep only reads open cases.
    submitted = cases["submitted_on"]
    yesterday = clock._offset(np.array([np.datetime64(TODAY, "D")]), np.array([-1]), calendar)[0].astype(dt.date)
    stored = clock_bulk.clock_states(
        submitted, pause_case=cases["pause_case"], pause_requested_on=cases["pause_requested_on"],
        pause_responded_on=cases["pause_responded_on"], today=yesterday, calendar=calendar,
    )
    awaiting = np.zeros(n, dtype=bool)
    unanswered = np.isnat(cases["pause_responded_on"]) & (cases["pause_requested_on"] <= np.datetime64(TODAY))
    awaiting[cases["pause_case"][unanswered]] = True
    assert open_cases.any()

    provider = Organisation.objects.create(name="Clock Benchmark College", kind=Organisation.Kind.PROVIDER)
    agency = Organisation.objects.filter(kind=Organisation.Kind.AGENCY).first() or Organisation.objects.create(
        name="Clock Benchmark Agency", kind=Organisation.Kind.AGENCY)
    author = User.objects.create_user(email="clock-bench-provider@example.org", password="x", role="provider",
                                      organisation=provider)
    assessor = User.objects.create_user(email="clock-bench-assessor@example.org", password="x", role="assessor",
                                        organisation=agency)
    User.objects.create_user(email="clock-bench-approver@example.org", password="x", role="approver",
                             organisation=agency)
    microcredentials = MicroCredential.objects.bulk_create(
        [MicroCredential(provider=provider, created_by=author, title="Clock benchmark %d" % i) for i in range(n)],
        batch_size=5000,
    )
    states = ["submitted", "in_review", "recommended"]
    submitted_dates = submitted.astype(dt.date).tolist()
    due_dates = stored.due_date.astype(dt.date).tolist()
    statuses = stored.status.tolist()
    applications = Application.objects.bulk_create([
        Application(
            microcredential=m, provider=provider, created_by=author,
            state="awaiting_provider" if awaiting[i] else states[i % 3],
            assigned_to=None if (not awaiting[i] and i % 3 == 0) else assessor,
            reference="CLK-%07d" % i, submitted_at=_moment(submitted_dates[i]),
            sla_due_date=due_dates[i], sla_status=statuses[i],
        )
        for i, m in enumerate(microcredentials)
    ], batch_size=5000)
    requested = cases["pause_requested_on"].astype(dt.date).tolist()
    responded = [None if np.isnat(r) else r.astype(dt.date) for r in cases["pause_responded_on"]]
    InformationRequest.objects.bulk_create([
        InformationRequest(
            application_id=applications[case].pk, requested_by=assessor, requested_at=_moment(requested[k]),
            requested_on=requested[k], message="Send the rubric.",
            responded_at=None if responded[k] is None else _moment(responded[k]), responded_on=responded[k],
        )
        for k, case in enumerate(cases["pause_case"].tolist())
    ], batch_size=5000)
    # Yesterday's sweep alerted the cases at risk or overdue then.
    OutboxMessage.objects.bulk_create([
        OutboxMessage(key="sla:%d:%s" % (applications[i].pk, statuses[i]), recipient=assessor.email, subject="-",
                      body_text="-", status="sent")
        for i in range(n) if statuses[i] in (clock.AT_RISK, clock.BREACHED)
    ], batch_size=5000)
    with connection.cursor() as cursor:
        for table in ("assessment_application", "assessment_informationrequest", "assessment_outboxmessage"):
            cursor.execute("ANALYZE %s" % table)
    return len(requested)


def bare_read():
    touched = 0
    for pk, state, submitted_at, due, status in Application.objects.filter(
        state__in=Application.OPEN_STATES
    ).order_by().values_list("pk", "state", "submitted_at", "sla_due_date", "sla_status"):
        touched += pk > 0 or state is None or submitted_at is None or due is None or status is None
    for case, requested, responded in InformationRequest.objects.filter(
        application__state__in=Application.OPEN_STATES
    ).order_by().values_list("application_id", "requested_on", "responded_on"):
        touched += case > 0 or requested is None or responded is None
    return touched


def in_savepoint(function):
    savepoint = transaction.savepoint()
    started = time.perf_counter()
    try:
        result = function()
        return time.perf_counter() - started, result
    finally:
        transaction.savepoint_rollback(savepoint)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    short = bool(os.environ.get("BENCHMARK_SHORT"))
    parser.add_argument("--cases", type=int, default=20_000 if short else 100_000)
    parser.add_argument("--repeat", type=int, default=3 if short else 5)
    args = parser.parse_args()

    calendar = agency_calendar()
    try:
        with transaction.atomic():
            started = time.perf_counter()
            pauses = create_cases(args.cases, calendar)
            print("created %d open cases and %d pauses in %.1f s" % (args.cases, pauses, time.perf_counter() - started))
            # Warm both paths (the calendar's holidays, the query plans, the page cache).
            bare_read()
            in_savepoint(lambda: services.open_clocks_recompute(today=TODAY))
            reads, recomputes = [], []
            for _ in range(args.repeat):
                reads.append(in_savepoint(bare_read)[0])
                elapsed, changed = in_savepoint(lambda: services.open_clocks_recompute(today=TODAY))
                recomputes.append(elapsed)
            sweep_time, result = in_savepoint(lambda: services.sla_sweep(today=TODAY))
            raise Rollback
    except Rollback:
        pass
    read, recompute = statistics.median(reads), statistics.median(recomputes)
    ratio = recompute / read
    print("read of %d open cases and their pauses: median %.3f s" % (args.cases, read))
    print("recompute (open_clocks_recompute, %d rows changed): median %.3f s" % (changed, recompute))
    print("whole sla_sweep (recompute + %d alerts queued in the outbox, not sent): %.3f s" % (result.alerts, sweep_time))
    print("ratio recompute/read: %.2f (target <= %.1f)" % (ratio, TARGET_RATIO))
    print("RESULT clock %.2f %.1f %s" % (ratio, TARGET_RATIO, "met" if ratio <= TARGET_RATIO else "missed"))


if __name__ == "__main__":
    main()

"""The clock's bulk recompute over 100,000 synthetic open cases, against a bare read of the same
arrays (docs/architecture.md, "Performance"; target: the recompute costs no more than 3x the read).

The benchmark over Application rows in PostgreSQL is `benchmarks/clock.py`; this one measures
the clock core alone, on the arrays a sweep would fetch:
one row per case (submitted, decided, withdrawn) and one row per pause (case, requested,
responded). The read is a Python loop that only touches every value of those arrays once.

Run: .venv/bin/python benchmarks/clock_core.py [--cases 100000] [--repeat 5]
"""

import argparse
import datetime as dt
import os
import pathlib
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from assessment.clock import STATUSES, BusinessCalendar, clock_state  # noqa: E402
from assessment.clock_bulk import clock_states  # noqa: E402

TARGET_RATIO = 3.0
TODAY = dt.date(2027, 3, 15)


def synthetic_cases(n, seed=20270315):
    """Open cases submitted in the 3 weeks before TODAY; about 40% paused once, 10% twice,
    a third of the latest pauses still awaiting the provider; 1 in 50 already decided."""
    rng = np.random.default_rng(seed)
    today = np.datetime64(TODAY, "D")
    submitted = today - rng.integers(0, 21, n).astype("timedelta64[D]")
    decided = np.full(n, np.datetime64("NaT"), "datetime64[D]")
    decided_mask = rng.random(n) < 0.02
    decided[decided_mask] = submitted[decided_mask] + rng.integers(5, 20, decided_mask.sum()).astype("timedelta64[D]")
    decided = np.where(decided > today, today, decided)
    withdrawn = np.full(n, np.datetime64("NaT"), "datetime64[D]")

    once = rng.random(n) < 0.5
    twice = once & (rng.random(n) < 0.2)
    first_case = np.flatnonzero(once & ~decided_mask)
    first_requested = submitted[first_case] + rng.integers(0, 8, first_case.size).astype("timedelta64[D]")
    first_responded = first_requested + rng.integers(0, 6, first_case.size).astype("timedelta64[D]")
    second = twice[first_case]
    second_case = first_case[second]
    second_requested = first_responded[second] + rng.integers(0, 4, second_case.size).astype("timedelta64[D]")
    second_responded = second_requested + rng.integers(0, 6, second_case.size).astype("timedelta64[D]")
    # The latest pause of a third of the paused cases is still open (no response yet).
    open_second = rng.random(second_case.size) < 0.33
    second_responded[open_second] = np.datetime64("NaT")
    only_once = ~second
    open_first = only_once & (rng.random(first_case.size) < 0.33)
    first_responded[open_first] = np.datetime64("NaT")

    pause_case = np.concatenate([first_case, second_case])
    requested = np.concatenate([first_requested, second_requested])
    responded = np.concatenate([first_responded, second_responded])
    # Pauses in the future of TODAY would not exist yet.
    known = requested <= today
    responded = np.where(known & (responded > today), np.datetime64("NaT"), responded)
    return {
        "submitted_on": submitted,
        "decided_on": decided,
        "withdrawn_on": withdrawn,
        "pause_case": pause_case[known].astype(np.intp),
        "pause_requested_on": requested[known],
        "pause_responded_on": responded[known],
    }


def bare_read(cases):
    touched = 0
    for submitted, decided, withdrawn in zip(
        cases["submitted_on"].tolist(), cases["decided_on"].tolist(), cases["withdrawn_on"].tolist(), strict=True
    ):
        touched += submitted is not None or decided is not None or withdrawn is not None
    for case, requested, responded in zip(
        cases["pause_case"].tolist(),
        cases["pause_requested_on"].tolist(),
        cases["pause_responded_on"].tolist(),
        strict=True,
    ):
        touched += case >= 0 or requested is not None or responded is not None
    return touched


def bulk_recompute(cases, calendar):
    return clock_states(**cases, today=TODAY, calendar=calendar)


def best_of(repeat, function, *args):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - started)
    return min(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    short = bool(os.environ.get("BENCHMARK_SHORT"))
    parser.add_argument("--cases", type=int, default=10_000 if short else 100_000)
    parser.add_argument("--repeat", type=int, default=3 if short else 5)
    args = parser.parse_args()

    cases = synthetic_cases(args.cases)
    closure_days = [dt.date(2027, 2, 19), dt.date(2027, 3, 5)]

    started = time.perf_counter()
    cold = bulk_recompute(cases, BusinessCalendar(closure_days))
    cold_time = time.perf_counter() - started

    calendar = BusinessCalendar(closure_days)
    bulk_recompute(cases, calendar)
    read_time, _ = best_of(args.repeat, bare_read, cases)
    recompute_time, states = best_of(args.repeat, bulk_recompute, cases, calendar)
    assert np.array_equal(states.status_code, cold.status_code)

    # A spot check that the bulk result is the scalar rule, on a sample.
    sample = np.random.default_rng(1).choice(args.cases, size=min(2_000, args.cases), replace=False)
    pauses_of = {}
    for case, requested, responded in zip(
        cases["pause_case"].tolist(), cases["pause_requested_on"].tolist(), cases["pause_responded_on"].tolist(),
        strict=True,
    ):
        pauses_of.setdefault(case, []).append((requested, responded))
    started = time.perf_counter()
    for index in sample.tolist():
        decided = cases["decided_on"][index]
        expected = clock_state(
            cases["submitted_on"][index].astype(dt.date),
            pauses_of.get(index, []),
            decided_on=None if np.isnat(decided) else decided.astype(dt.date),
            today=TODAY,
            calendar=calendar,
        )
        assert states[index] == expected, (index, states[index], expected)
    scalar_each = (time.perf_counter() - started) / sample.size

    counts = {status: int((states.status_code == code).sum()) for code, status in enumerate(STATUSES)}
    ratio = recompute_time / read_time
    print("cases: %d, pauses: %d, best of %d runs" % (args.cases, cases["pause_case"].size, args.repeat))
    print("statuses: %s" % ", ".join("%s %d" % item for item in counts.items() if item[1]))
    print("bare read of the arrays:        %8.1f ms" % (read_time * 1000))
    print("bulk recompute (clock_states):  %8.1f ms" % (recompute_time * 1000))
    print("  first run, calendar built:    %8.1f ms" % (cold_time * 1000))
    print("  scalar clock_state, for scale: %7.1f ms for all cases (%.1f us each, from %d)"
          % (scalar_each * args.cases * 1000, scalar_each * 1e6, sample.size))
    print("ratio recompute / read: %.2fx (target <= %.1fx): %s"
          % (ratio, TARGET_RATIO, "met" if ratio <= TARGET_RATIO else "NOT MET"))
    # The convention of benchmarks/run_all; a missed target is a result, not a crash.
    print("RESULT clock_core %.2f %.1f %s" % (ratio, TARGET_RATIO, "met" if ratio <= TARGET_RATIO else "missed"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

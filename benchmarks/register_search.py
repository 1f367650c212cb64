"""Register search at a province's scale (docs/architecture.md, "Performance"): the public
`GET /api/v1/assessments/?q=` (count included) with 1,000,000 assessments against the same
queries with 10,000. Target: each query at most 3x.

Queries: a common word (`management`, in one title of eight), a rare one (`glassblowing`, one
of 2,000), a French word in another inflection (`analyses` finds the French titles' `Analyse`),
a reference, and a filter combination (a word, a level, a transfer category).
Each is asked anonymously through Django's test client in this process (no server: the search
is what is measured), the median of several rounds; the row's ratio is the worst query's.
The register lives in its own database (`bench_search`, made and dropped), built by
PostgreSQL (benchmarks/_world.py) at 10,000 entries, measured, grown and measured again.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/register_search.py
     [--small 10000] [--large 1000000]
(only the server part of DATABASE_URL is used; BENCHMARK_SHORT=1: 1,000 and 5,000 entries)
"""

import argparse
import os
import statistics
import time

import _world

TARGET = 3.0


def queries(size):
    return {
        "common word": {"q": "management"},
        "rare word": {"q": "glassblowing"},
        "French, inflected": {"q": "analyses"},
        "reference": {"q": _world.reference_of(size // 2)},
        "word + filters": {"q": "data", "level": "OQF-9", "transfer_category": "upper_division"},
    }


def measure(client, size, repeat):
    """{query name: (median seconds, count, count_is_estimate, rows on the page)}."""
    results = {}
    for name, params in queries(size).items():
        body = client.get("/api/v1/assessments/", params).json()
        assert body["results"], (name, body)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get("/api/v1/assessments/", params)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        results[name] = (statistics.median(times), body["count"], body["count_is_estimate"], len(body["results"]))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    short = bool(os.environ.get("BENCHMARK_SHORT"))
    parser.add_argument("--small", type=int, default=1_000 if short else 10_000)
    parser.add_argument("--large", type=int, default=5_000 if short else 1_000_000)
    parser.add_argument("--repeat", type=int, default=5 if short else 15)
    parser.add_argument("--database", default="bench_search")
    args = parser.parse_args()

    with _world.bench_database(args.database, REDIS_URL="", THROTTLE_ANON="100000000/minute"):
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()
        client = Client()
        world = _world.people()
        _world.assessments_add(world, 1, args.small + 1, letters=True)
        _world.analyze()
        small = measure(client, args.small, args.repeat)
        seconds = _world.assessments_add(world, args.small + 1, args.large + 1, letters=True)
        _world.analyze()
        print("grown from %d to %d assessments in %.1f s" % (args.small, args.large, seconds))
        large = measure(client, args.large, args.repeat)

    worst = 0.0
    print("%-18s %22s %26s %6s" % ("query", "%d entries" % args.small, "%d entries" % args.large, "ratio"))
    for name in small:
        before = small[name][0]
        after, count, estimate, _ = large[name]
        ratio = after / before
        worst = max(worst, ratio)
        print("%-18s %8.1f ms (count %5d) %8.1f ms (count %s%7d) %6.2f" % (
            name, before * 1000, small[name][1], after * 1000, "~" if estimate else " ", count, ratio))
    print("worst ratio %.2f (target <= %g)" % (worst, TARGET))
    print("RESULT register_search %.2f <=%g %s" % (worst, TARGET, "met" if worst <= TARGET else "missed"))


if __name__ == "__main__":
    main()

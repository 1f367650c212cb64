"""Verification by code at a province's scale (docs/architecture.md, "Performance"), two rows:

- `verify`: the throughput of `GET /api/v1/verify/{code}/` against a bare Django view on the
  same gunicorn server doing the same I/O (one Redis rate-limit increment, one SELECT of one
  row by a unique index, a small JSON answer: benchmarks/_verify_floor.py, which the app's
  URLs never hold), with 1,000,000 assessments, concurrent keep-alive clients on loopback,
  alternating rounds, medians. Target: at least 0.9x the floor.
- `verify_scale`: verification's median latency (one client, one request at a time) with
  1,000,000 assessments against the same with 10,000. Target: at most 1.2x.

The register lives in its own database (`bench_verify`), built by PostgreSQL
(benchmarks/_world.py: each entry with its terms period and its letter) at 10,000 entries,
measured, grown to 1,000,000 and measured again; dropped at the end. The server runs with
anonymous throttling on through Redis at a rate no client reaches, so its cost is counted, and
keeps its database connections between requests, as in production.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/6 \\
     .venv/bin/python benchmarks/verify.py [--small 10000] [--large 1000000] [--clients 8]
(only the server part of DATABASE_URL is used; BENCHMARK_SHORT=1: 1,000 and 5,000 entries)
"""

import argparse
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time

import _world

TARGET_RATIO = 0.9
TARGET_SCALE = 1.2


def load(port, paths, clients, seconds):
    """Requests per second over `seconds`, `clients` keep-alive connections, each asking for
    a random one of `paths`. Any answer but 200 fails the run: a benchmark of errors is no
    benchmark."""
    stop = time.monotonic() + seconds
    counts = [0] * clients
    failures = []

    def client(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        rng = random.Random(index)
        try:
            while time.monotonic() < stop:
                connection.request("GET", rng.choice(paths))
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(response.status)
                    return
                counts[index] += 1
        except OSError as exc:
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit("requests failed: %s" % sorted(set(map(str, failures))))
    return sum(counts) / (time.monotonic() - started)


def latencies(port, paths):
    """Each path asked once, one at a time over one connection: the seconds of each."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    times = []
    try:
        for path in paths:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            times.append(time.perf_counter() - started)
            if response.status != 200:
                raise SystemExit("%s answered %d" % (path, response.status))
    finally:
        connection.close()
    return times


def wait_until_serving(port):
    deadline = time.monotonic() + 30
    while True:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/healthz")
            probe.getresponse().read()
            probe.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def paths_for(count, *, how_many):
    """Verification and floor paths for random entries among the first `count`. Some codes
    typed in lower case and without dashes: normalising is part of the work."""
    rng = random.Random(count)
    numbers = [rng.randint(1, count) for _ in range(how_many)]
    verify = ["/api/v1/verify/%s/" % _world.code_of(n) for n in numbers]
    verify += ["/api/v1/verify/%s/" % _world.code_of(n).lower().replace("-", "") for n in numbers[: how_many // 10]]
    floor = ["/bench/floor/%s/" % _world.code_of(n) for n in numbers]
    return verify, floor


def latency_median(port, verify, floor, rounds=3):
    """Median latency of verification and of the floor, interleaved in `rounds` halves."""
    times_verify, times_floor = [], []
    size = max(1, len(verify) // rounds)
    for start in range(0, len(verify), size):
        times_verify += latencies(port, verify[start:start + size])
        times_floor += latencies(port, floor[start:start + size])
    return statistics.median(times_verify), statistics.median(times_floor)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    short = bool(os.environ.get("BENCHMARK_SHORT"))
    parser.add_argument("--small", type=int, default=1_000 if short else 10_000)
    parser.add_argument("--large", type=int, default=5_000 if short else 1_000_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=1 if short else 5)
    parser.add_argument("--rounds", type=int, default=2 if short else 3)
    parser.add_argument("--latency-requests", type=int, default=300 if short else 2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--database", default="bench_verify")
    args = parser.parse_args()

    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/6")
    server = None
    with _world.bench_database(args.database, REDIS_URL=redis_url, THROTTLE_ANON="100000000/minute") as env:
        try:
            world = _world.people()
            seconds = _world.assessments_add(world, 1, args.small + 1)
            _world.analyze()
            print("%d assessments (with terms and letters) built in %.1f s" % (args.small, seconds), flush=True)
            from django.db import connections

            connections.close_all()
            server_env = {**env, "DJANGO_SETTINGS_MODULE": "_verify_floor",
                          "PYTHONPATH": os.pathsep.join([str(_world.ROOT), str(_world.ROOT / "benchmarks")])}
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", "127.0.0.1:%d" % args.port,
                 "-w", str(args.workers), "--threads", str(args.threads), "--log-level", "warning"],
                cwd=_world.ROOT, env=server_env,
            )
            wait_until_serving(args.port)

            verify, floor = paths_for(args.small, how_many=args.latency_requests)
            load(args.port, verify + floor, args.clients, 1)  # warm-up: connections, caches
            small_verify, small_floor = latency_median(args.port, verify, floor)
            print("%9d assessments: median latency verify %.2f ms, floor %.2f ms"
                  % (args.small, small_verify * 1000, small_floor * 1000), flush=True)

            seconds = _world.assessments_add(world, args.small + 1, args.large + 1)
            _world.analyze()
            print("grown to %d assessments in %.1f s" % (args.large, seconds), flush=True)
            verify, floor = paths_for(args.large, how_many=args.latency_requests)
            load(args.port, verify + floor, args.clients, 1)
            large_verify, large_floor = latency_median(args.port, verify, floor)
            print("%9d assessments: median latency verify %.2f ms, floor %.2f ms"
                  % (args.large, large_verify * 1000, large_floor * 1000), flush=True)

            floor_rates, verify_rates = [], []
            for _ in range(args.rounds):
                floor_rates.append(load(args.port, floor, args.clients, args.seconds))
                verify_rates.append(load(args.port, verify, args.clients, args.seconds))
            best_floor, best_verify = statistics.median(floor_rates), statistics.median(verify_rates)
        finally:
            if server is not None:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)

    ratio = best_verify / best_floor
    scale = large_verify / small_verify
    print("server: gunicorn %d workers x %d threads; %d clients, %d rounds of %.0f s each"
          % (args.workers, args.threads, args.clients, args.rounds, args.seconds))
    print("bare I/O view (floor):           %7.0f req/s (rounds: %s)"
          % (best_floor, ", ".join("%.0f" % r for r in floor_rates)))
    print("verification by code (/verify/): %7.0f req/s (rounds: %s)"
          % (best_verify, ", ".join("%.0f" % r for r in verify_rates)))
    print("throughput ratio %.2f (target >= %.1f); latency %d/%d: verify %.2f, floor %.2f (target <= %.1f)"
          % (ratio, TARGET_RATIO, args.large, args.small, scale, large_floor / small_floor, TARGET_SCALE))
    print("RESULT verify %.2f >=%.1f %s" % (ratio, TARGET_RATIO, "met" if ratio >= TARGET_RATIO else "missed"))
    print("RESULT verify_scale %.2f <=%.1f %s" % (scale, TARGET_SCALE, "met" if scale <= TARGET_SCALE else "missed"))


if __name__ == "__main__":
    main()

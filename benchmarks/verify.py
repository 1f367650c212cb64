"""Verification by code under concurrent load against a trivial Django JSON view (/healthz)
on the same gunicorn server, with 100,000 assessments in PostgreSQL (docs/architecture.md,
"Performance"; target: verification keeps at least 0.8x the trivial view's throughput).

The data lives in its own database (`bench_verify` by default), created, filled with
bulk_create and dropped at the end. The server runs with anonymous throttling on (through the
Redis cache, as in production) at a rate no client reaches, so the throttle's cost is counted.
Both URLs are measured in alternating rounds so drift in the machine's speed touches both.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/register REDIS_URL=redis://127.0.0.1:6379/6 \
     .venv/bin/python benchmarks/verify.py [--rows 100000] [--clients 8] [--seconds 5] [--rounds 3]
(only the server part of DATABASE_URL is used; the benchmark's database is its own)
"""

import argparse
import http.client
import os
import pathlib
import random
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit, urlunsplit

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.8


def database_url(base, name):
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def admin_execute(base, sql):
    import psycopg

    with psycopg.connect(database_url(base, "postgres").replace("postgres://", "postgresql://"), autocommit=True) as c:
        c.execute(sql)


def fill(rows):
    """100,000 register entries in a few bulk inserts."""
    import datetime as dt
    from decimal import Decimal

    from accounts.models import Organisation, User
    from credentials.codes import verification_code_new
    from credentials.models import Assessment, AssessmentTerms, MicroCredential

    def insert(batch):
        # Each entry with its open terms period, as issuing makes it: verification reads both.
        entries = Assessment.objects.bulk_create(batch)
        AssessmentTerms.objects.bulk_create([
            AssessmentTerms(assessment=entry, starts_on=entry.current_from, level_id=entry.level_id,
                            credits=entry.credits, transfer_category=entry.transfer_category,
                            subject_area=entry.subject_area)
            for entry in entries
        ])

    provider = Organisation.objects.create(name="Bench College", kind=Organisation.Kind.PROVIDER)
    agency = Organisation.objects.create(name="Bench Agency", kind=Organisation.Kind.AGENCY)
    assessor = User.objects.create(email="a@bench.example", role="assessor", organisation=agency)
    approver = User.objects.create(email="b@bench.example", role="approver", organisation=agency)
    microcredential = MicroCredential.objects.create(provider=provider, title="Bench micro-credential")
    statuses = ["current"] * 8 + ["expiring", "revoked"]
    codes = set()
    while len(codes) < rows:
        codes.add(verification_code_new())
    codes = sorted(codes)
    random.shuffle(codes)
    batch = []
    for number, code in enumerate(codes, start=1):
        batch.append(Assessment(
            reference="MCA-2026-%06d" % number, verification_code=code, microcredential=microcredential,
            provider=provider, status=statuses[number % len(statuses)], title="Bench micro-credential %d" % number,
            level_id="OQF-9", credits=Decimal("4"), transfer_category="upper_division", subject_area="Bench",
            review_due_date=dt.date(2027, 3, 2), current_from=dt.date(2026, 3, 2), snapshot={},
            recommended_by=assessor, signed_off_by=approver,
        ))
        if len(batch) == 10_000:
            insert(batch)
            batch = []
    insert(batch)
    return codes


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    short = bool(os.environ.get("BENCHMARK_SHORT"))
    parser.add_argument("--rows", type=int, default=5_000 if short else 100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=1.5 if short else 5)
    parser.add_argument("--rounds", type=int, default=2 if short else 3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--database", default="bench_verify")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/6")
    url = database_url(base, args.database)
    admin_execute(base, "DROP DATABASE IF EXISTS %s" % args.database)
    admin_execute(base, "CREATE DATABASE %s" % args.database)
    server = None
    env = {
        **os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false", "THROTTLE_ANON": "100000000/minute", "PYTHONPATH": str(ROOT),
    }
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        os.environ.update(DATABASE_URL=url, REDIS_URL=redis_url, DJANGO_SETTINGS_MODULE="config.settings.local")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        started = time.monotonic()
        codes = fill(args.rows)
        print("%d assessments created in %.1f s" % (args.rows, time.monotonic() - started))
        from django.db import connections

        connections.close_all()

        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", "127.0.0.1:%d" % args.port,
             "-w", str(args.workers), "--threads", str(args.threads), "--log-level", "warning"],
            cwd=ROOT, env=env,
        )
        sample = ["/api/v1/verify/%s/" % code for code in random.sample(codes, 2000)]
        # Lower-case and ungrouped codes too: normalising is part of the work.
        sample += ["/api/v1/verify/%s/" % code.lower().replace("-", "") for code in random.sample(codes, 200)]
        deadline = time.monotonic() + 30
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
                probe.request("GET", "/healthz")
                probe.getresponse().read()
                probe.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        load(args.port, sample + ["/healthz"], args.clients, 1)  # warm-up: connections, caches

        trivial, verify = [], []
        for _ in range(args.rounds):
            trivial.append(load(args.port, ["/healthz"], args.clients, args.seconds))
            verify.append(load(args.port, sample, args.clients, args.seconds))
        best_trivial, best_verify = sorted(trivial)[len(trivial) // 2], sorted(verify)[len(verify) // 2]
        ratio = best_verify / best_trivial
        print("server: gunicorn %d workers x %d threads; %d clients, %d rounds of %.0f s each"
              % (args.workers, args.threads, args.clients, args.rounds, args.seconds))
        print("trivial JSON view (/healthz):      %7.0f req/s (rounds: %s)" % (best_trivial, ", ".join("%.0f" % t for t in trivial)))
        print("verification by code (/verify/):   %7.0f req/s (rounds: %s)" % (best_verify, ", ".join("%.0f" % v for v in verify)))
        print("ratio %.2f (target >= %.1f): %s" % (ratio, TARGET_RATIO, "met" if ratio >= TARGET_RATIO else "NOT met"))
        print("RESULT verify %.2f >=%.1f %s" % (ratio, TARGET_RATIO, "met" if ratio >= TARGET_RATIO else "missed"))
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 (Django may not be set up yet)
            pass
        admin_execute(base, "DROP DATABASE IF EXISTS %s" % args.database)


if __name__ == "__main__":
    main()

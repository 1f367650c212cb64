"""The daily review sweep over 100,000 current assessments with 1% in their review window,
against a query that only selects those due rows (target: the sweep ≤ 5× the query), and
reminder emails per second to a local SMTP server (aiosmtpd on 127.0.0.1) over one connection.

The data lives in its own database (`bench_review` by default), created, filled with
bulk_create and dropped at the end. The 1% due are spread over the review window (opening 90
days before the due date until the lapse 30 days after), each with its own micro-credential,
so every step of the schedule and the lapse happen on some day. A first sweep opens their
review cases and queues the step due for each (timed, reported); then a run of consecutive
days is timed, each a normal day's work: the entries whose step or lapse falls on that day.
Sending is measured apart: the sweep queues outbox rows, and `outbox_flush` sends them over
one SMTP connection.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/review_sweep.py
     [--rows 100000] [--days 5] [--database bench_review]
(only the server part of DATABASE_URL is used; BENCHMARK_SHORT=1 uses 10,000 rows)
"""

import argparse
import datetime as dt
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET_RATIO = 5.0
AS_OF = dt.date(2027, 1, 4)


def database_url(base, name):
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def admin_execute(base, sql):
    import psycopg

    with psycopg.connect(database_url(base, "postgres").replace("postgres://", "postgresql://"), autocommit=True) as c:
        c.execute(sql)


def fill(rows, due_share=0.01):
    """`rows` current entries; `due_share` of them in the review window, one micro-credential
    each (a review case is one per micro-credential); the rest due next year."""
    from decimal import Decimal

    from accounts.models import Organisation, User
    from credentials.models import Assessment, MicroCredential

    provider = Organisation.objects.create(name="Bench College", kind=Organisation.Kind.PROVIDER)
    agency = Organisation.objects.create(name="Bench Agency", kind=Organisation.Kind.AGENCY)
    for number in range(2):
        User.objects.create(email="staff%d@bench.example" % number, role="provider", organisation=provider)
    assessor = User.objects.create(email="a@bench.example", role="assessor", organisation=agency)
    approver = User.objects.create(email="b@bench.example", role="approver", organisation=agency)
    due_count = int(rows * due_share)
    shared = MicroCredential.objects.create(provider=provider, title="Bench micro-credential")
    own = MicroCredential.objects.bulk_create(
        [MicroCredential(provider=provider, title="Bench due %d" % n) for n in range(due_count)], batch_size=5000,
    )
    window = 90 + 30  # opens 90 days before, lapses 30 days after
    batch = []
    for number in range(rows):
        due = number < due_count
        due_date = AS_OF - dt.timedelta(days=30) + dt.timedelta(days=number % window) if due else dt.date(2028, 6, 1)
        batch.append(Assessment(
            reference="MCA-2026-%06d" % number, verification_code="BNCH-%04d-%04d-%04d" % (number // 10**8, number // 10**4 % 10**4, number % 10**4),
            microcredential=own[number] if due else shared, provider=provider, status="current",
            title="Bench micro-credential %d" % number, level_id="OQF-9", credits=Decimal("4"),
            transfer_category="upper_division", subject_area="Bench", review_due_date=due_date,
            current_from=due_date.replace(year=due_date.year - 1), snapshot={},
            recommended_by=assessor, signed_off_by=approver,
        ))
        if len(batch) == 10_000:
            Assessment.objects.bulk_create(batch)
            batch = []
    Assessment.objects.bulk_create(batch)
    return due_count


def due_rows_query(as_of):
    """The floor: only reading the rows in the review window, by the same index."""
    from credentials.models import Assessment

    return list(
        Assessment.objects.filter(status="current", review_due_date__lte=as_of + dt.timedelta(days=90))
        .order_by("review_due_date", "pk").values_list("pk", "review_due_date", "review_cycle")
    )


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    short = bool(os.environ.get("BENCHMARK_SHORT"))
    parser.add_argument("--rows", type=int, default=10_000 if short else 100_000)
    parser.add_argument("--days", type=int, default=3 if short else 5)
    parser.add_argument("--database", default="bench_review")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = database_url(base, args.database)
    admin_execute(base, "DROP DATABASE IF EXISTS %s" % args.database)
    admin_execute(base, "CREATE DATABASE %s" % args.database)

    # The SMTP server in its own process, so it does not share this one's interpreter lock.
    smtp_port = free_port()
    smtp = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:%d" % smtp_port,
                             "-c", "aiosmtpd.handlers.Sink"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(smtp_port)
    # No broker: nothing is sent during the sweep (the send tasks are switched off below);
    # the flush sends afterwards over one connection.
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": "", "DJANGO_SETTINGS_MODULE": "config.settings.local",
           "DJANGO_DEBUG": "false", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port)}
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        os.environ.update({k: v for k, v in env.items() if k != "REDIS_URL"})
        os.environ.pop("REDIS_URL", None)
        sys.path.insert(0, str(ROOT))
        import logging

        import django

        django.setup()
        logging.getLogger("assessment").setLevel(logging.WARNING)
        logging.getLogger("credentials").setLevel(logging.WARNING)
        from django.db import connection

        from assessment import outbox, tasks
        from assessment.models import Application, OutboxMessage
        from assessment.review import review_sweep

        tasks.outbox_send.delay = lambda *a, **k: None

        seconds, due = timed(fill, args.rows)
        print("%d current assessments (%d in their review window) created in %.1f s" % (args.rows, due, seconds))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        first_day = AS_OF - dt.timedelta(days=1)
        seconds, result = timed(review_sweep, as_of=first_day)
        print("first sweep (%s): %.3f s: %s" % (first_day, seconds, result))

        sweeps, results = [], []
        for offset in range(args.days):
            day = AS_OF + dt.timedelta(days=offset)
            seconds, result = timed(review_sweep, as_of=day)
            sweeps.append(seconds)
            results.append(result)
            print("sweep %s: %.1f ms: %s" % (day, seconds * 1000, result))
        rerun, result = timed(review_sweep, as_of=AS_OF + dt.timedelta(days=args.days - 1))
        assert (result.opened, result.reminded, result.lapsed) == (0, 0, 0), result
        print("same day again: %.1f ms (nothing to do)" % (rerun * 1000))
        queries = []
        for offset in range(args.days * 3):
            seconds, rows = timed(due_rows_query, AS_OF + dt.timedelta(days=offset % args.days))
            queries.append(seconds)
        query = statistics.median(queries)
        sweep = statistics.median(sweeps)
        print("select of the %d due rows alone: median %.1f ms" % (len(rows), query * 1000))
        print("review cases open: %d; outbox rows: %d" % (
            Application.objects.filter(kind="review").exclude(state="withdrawn").count(), OutboxMessage.objects.count()))

        pending = OutboxMessage.objects.filter(status="pending").count()
        seconds, sent = timed(outbox.outbox_flush, limit=pending)
        assert sent == pending, (sent, pending)
        print("sent %d reminder emails over one SMTP connection in %.2f s: %.0f messages/s"
              % (sent, seconds, sent / seconds))
        ratio = sweep / query
        print("same day again (nothing to do) / due-rows query: %.2f" % (rerun / query))
        print("day's sweep median %.1f ms / due-rows query %.1f ms = %.2f (target <= %.0f)"
              % (sweep * 1000, query * 1000, ratio, TARGET_RATIO))
        print("RESULT review_sweep %.2f <=%g %s" % (ratio, TARGET_RATIO, "met" if ratio <= TARGET_RATIO else "missed"))
    finally:
        smtp.terminate()
        smtp.wait()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up yet
            pass
        admin_execute(base, "DROP DATABASE IF EXISTS %s" % args.database)


if __name__ == "__main__":
    main()

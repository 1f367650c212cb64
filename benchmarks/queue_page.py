"""The assessors' queue page with 100,000 open cases against 100 (docs/architecture.md,
"Performance"): SQL queries per page and the median time of the page, both in one run, rolled
back. Target: the same query count, and the page at 100,000 at most 1.5x the page at 100
(an index on `sla_due_date` serves its order). BENCHMARK_SHORT=1: 2,000 cases.
Usage: DATABASE_URL=postgres://... .venv/bin/python benchmarks/queue_page.py [SMALL] [LARGE]"""

import datetime as dt
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Organisation, User  # noqa: E402
from assessment.models import Application  # noqa: E402
from credentials.models import MicroCredential  # noqa: E402

SMALL = int(sys.argv[1]) if len(sys.argv) > 1 else 100
LARGE = int(sys.argv[2]) if len(sys.argv) > 2 else (2_000 if os.environ.get("BENCHMARK_SHORT") else 100_000)
TARGET = 1.5
REPEAT = 25


class Rollback(Exception):
    pass


def add_cases(start, count, provider, author):
    now = timezone.now()
    microcredentials = MicroCredential.objects.bulk_create([
        MicroCredential(provider=provider, created_by=author, title="Benchmark course %d" % (start + i))
        for i in range(count)
    ], batch_size=5000)
    states = ["submitted", "in_review", "awaiting_provider", "recommended"]
    Application.objects.bulk_create([
        Application(
            microcredential=m, provider=provider, created_by=author, state=states[i % 4],
            reference="BEN-%07d" % (start + i), submitted_at=now - dt.timedelta(days=i % 20),
            sla_due_date=dt.date.today() + dt.timedelta(days=(start + i) % 30), sla_status="on_track",
        )
        for i, m in enumerate(microcredentials)
    ], batch_size=5000)


def measure(client):
    client.get("/queue/?tab=all")
    # Counted by a wrapper: a request start clears `connection.queries`.
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: (queries.append(sql), execute(sql, *args))[1]):
        response = client.get("/queue/?tab=all")
    assert response.status_code == 200 and b"BEN-" in response.content
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get("/queue/?tab=all")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return len(queries), statistics.median(times)


def main():
    setup_test_environment()
    results = {}
    try:
        with transaction.atomic():
            provider, _ = Organisation.objects.get_or_create(name="Benchmark College", kind=Organisation.Kind.PROVIDER)
            agency, _ = Organisation.objects.get_or_create(
                name="Ontario Micro-credential Assessment Agency", kind=Organisation.Kind.AGENCY)
            author = User.objects.create_user(email="bench-provider@example.org", password="x", role="provider",
                                              organisation=provider)
            approver = User.objects.create_user(email="bench-approver@example.org", password="x", role="approver",
                                                organisation=agency)
            client = Client()
            client.force_login(approver)
            add_cases(0, SMALL, provider, author)
            cursor = connection.cursor()
            cursor.execute("ANALYZE assessment_application")
            results[SMALL] = measure(client)
            add_cases(SMALL, LARGE - SMALL, provider, author)
            cursor.execute("ANALYZE assessment_application")
            results[LARGE] = measure(client)
            raise Rollback
    except Rollback:
        pass
    (small_q, small_t), (large_q, large_t) = results[SMALL], results[LARGE]
    print("queue page, %d open cases: %d queries, median %.1f ms" % (SMALL, small_q, small_t * 1000))
    print("queue page, %d open cases: %d queries, median %.1f ms" % (LARGE, large_q, large_t * 1000))
    ratio = large_t / small_t
    print("time ratio %d/%d: %.2f (target <= %g); queries equal: %s" % (LARGE, SMALL, ratio, TARGET, small_q == large_q))
    met = small_q == large_q and ratio <= TARGET
    print("RESULT queue_page %.2f <=%g %s" % (ratio, TARGET, "met" if met else "missed"))


if __name__ == "__main__":
    main()

"""Verifiable credentials at scale (issue 18): the revocation status list and the CTDL export
with 1,000,000 register entries against 10,000 (docs/architecture.md, "Performance": cost
follows the work, not the table).

- status list: building the signed BitstringStatusListCredential (read the revoked indexes
  and the highest index, set the bits, GZIP, sign), cache cleared each time, with 0.1% of the
  entries revoked, at 1,000,000 entries against 10,000 with the same number revoked. Also
  checking one credential (POST /verify/credential/'s work: proof, issuer, status, validity).
- CTDL export: the streamed /register.jsonld's peak Python memory (tracemalloc) for 100,000
  entries against 1,000 (it must not hold the register), and its rate in entries a second.

Entries are copied from one issued entry by INSERT ... SELECT generate_series, in their own
database (`bench_credentials`, made and dropped).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/credentials.py
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time
import tracemalloc

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from _world import admin_execute, database_url  # noqa: E402

TARGET_RATIO = 1.5


def template_entry():
    from tests.credentials.register_world import issue, people

    return issue(people(), letter=False)


def copy_entries(template, count, *, revoked_every, first_number):
    """`count` copies of `template`, every `revoked_every`-th revoked, in one statement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'credentials_assessment'"
                       " AND is_generated = 'NEVER'")  # a generated column (search_vector) computes itself
        columns = [c for (c,) in cursor.fetchall()
                   if c not in ("id", "reference", "verification_code", "status", "status_list_index")]
        listed = ", ".join(columns)
        cursor.execute(
            "INSERT INTO credentials_assessment (%s, reference, verification_code, status) "
            "SELECT %s, 'B-' || g, 'BENCH' || g, CASE WHEN g %%%% %%s = 0 THEN 'revoked' ELSE 'current' END "
            "FROM credentials_assessment, generate_series(%%s, %%s) g WHERE id = %%s" % (listed, listed),
            [revoked_every, first_number, first_number + count - 1, template.pk],
        )


def timed(function, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def status_list_seconds(repeats):
    from django.core.cache import cache

    from credentials.vc import status_list

    def build():
        cache.clear()
        status_list.status_list_credential()

    return timed(build, repeats)


def export_pass():
    from credentials.vc import ctdl

    size = entries = 0
    for piece in ctdl.register_jsonld():
        size += len(piece)
        entries += piece.count('"ceterms:TransferValueProfile"')
    return entries, size


def export_memory_and_rate():
    """Peak memory in one traced pass (tracing slows it), the rate in another, untraced."""
    tracemalloc.start()
    export_pass()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    if os.environ.get("BENCHMARK_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        entries, size = profile.runcall(export_pass)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    else:
        entries, size = export_pass()
    return peak, entries, time.perf_counter() - started, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    short = bool(os.environ.get("BENCHMARK_SHORT"))
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000 if short else 1_000_000)
    parser.add_argument("--export-small", type=int, default=1_000)
    parser.add_argument("--export-large", type=int, default=20_000 if short else 100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--database", default="bench_credentials")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = database_url(base, args.database)
    admin_execute(base, "DROP DATABASE IF EXISTS %s" % args.database)
    admin_execute(base, "CREATE DATABASE %s" % args.database)
    try:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
        env.pop("REDIS_URL", None)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.local")
        os.environ.pop("REDIS_URL", None)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.db import connection
        from rest_framework.test import APIClient

        template = template_entry()
        revoked = args.small // 1000
        # The same number revoked at both sizes: the work is the same, only the table grows.
        copy_entries(template, args.small - 1, revoked_every=1000, first_number=1)
        small = status_list_seconds(args.repeats)
        copy_entries(template, args.large - args.small, revoked_every=10 ** 9, first_number=args.small)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE credentials_assessment")
        large = status_list_seconds(args.repeats)
        print("status list, %d revoked: %.2f ms at %d entries, %.2f ms at %d entries"
              % (revoked, small * 1000, args.small, large * 1000, args.large))

        client = APIClient(SERVER_NAME="localhost")
        credential = client.get("/api/v1/assessments/%s/credential/" % template.reference).content
        check = timed(lambda: client.post("/api/v1/verify/credential/", credential,
                                          content_type="application/json"), args.repeats)
        answer = json.loads(client.post("/api/v1/verify/credential/", credential,
                                        content_type="application/json").content)
        assert answer["verified"], answer
        print("POST /verify/credential/ at %d entries: %.2f ms (verified)" % (args.large, check * 1000))

        with connection.cursor() as cursor:
            cursor.execute("UPDATE credentials_assessment SET status = 'discontinued' WHERE id > %s",
                           [template.pk + args.export_small - 1])
        peak_small, entries_small, _, _ = export_memory_and_rate()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE credentials_assessment SET status = 'current' WHERE id <= %s",
                           [template.pk + args.export_large - 1])
        peak_large, entries_large, seconds, size = export_memory_and_rate()
        print("register.jsonld: peak %.1f MB for %d entries, %.1f MB for %d entries (%.0f entries/s, %.1f MB of JSON-LD)"
              % (peak_small / 1e6, entries_small, peak_large / 1e6, entries_large, entries_large / seconds, size / 1e6))

        ratio = large / small
        memory_ratio = peak_large / peak_small
        print("export memory ratio (%dx the entries): %.2f" % (entries_large // max(entries_small, 1), memory_ratio))
        print("RESULT credentials %.2f %.1f %s" % (ratio, TARGET_RATIO, "met" if ratio <= TARGET_RATIO else "missed"))
    finally:
        from django.db import connections

        connections.close_all()
        admin_execute(base, "DROP DATABASE IF EXISTS %s" % args.database)


if __name__ == "__main__":
    main()

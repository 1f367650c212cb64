"""Catalogue import of 5,000 rows: the whole import (read, validate every row with the API's
serializer and the model's rules, store) against a bare bulk_create of the same rows, both
rolled back. Usage: .venv/bin/python benchmarks/catalogue_import.py [ROWS]
(500 rows by default when BENCHMARK_SHORT is set). The database is migrated first if it is not."""

import csv
import io
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.services import organisation_get_or_create  # noqa: E402
from credentials import catalogue  # noqa: E402
from credentials.api.serializers import CONTRACT_FIELDS  # noqa: E402
from credentials.models import MicroCredential  # noqa: E402


class Rollback(Exception):
    pass


def timed(fn):
    started = time.perf_counter()
    try:
        with transaction.atomic():
            fn()
            raise Rollback
    except Rollback:
        pass
    return time.perf_counter() - started


def main(rows):
    # A fresh checkout's embedded database (or CI's) has no tables yet.
    call_command("migrate", verbosity=0, interactive=False)
    provider = organisation_get_or_create(name="Benchmark Provider", kind="provider")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CONTRACT_FIELDS)
    writer.writeheader()
    for n in range(rows):
        writer.writerow({**catalogue.TEMPLATE_EXAMPLE, "title": "Course %d" % n})
    content = out.getvalue().encode()

    def full_import():
        created = catalogue.import_catalogue(
            actor=None, provider=provider, upload=SimpleUploadedFile("c.csv", content)
        )
        assert len(created) == rows

    def bare_insert():
        MicroCredential.objects.bulk_create(
            [MicroCredential(provider=provider, title="Course %d" % n) for n in range(rows)], batch_size=1000
        )

    bare, full = timed(bare_insert), timed(full_import)
    print("rows: %d  bare bulk_create: %.2f s  full import: %.2f s  ratio: %.1fx" % (rows, bare, full, full / bare))
    # No target is set for the import (benchmarks/README.md): the ratio is reported.
    print("RESULT catalogue_import %.2f - reported" % (full / bare))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500 if os.environ.get("BENCHMARK_SHORT") else 5000)

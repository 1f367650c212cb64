"""One bilingual letter issued (template twice, QR code, WeasyPrint PDF/A-3a render, pyHanko
PAdES signature, SHA-256, stored through Django's storage API) against the bare WeasyPrint
render of the same bilingual HTML with the same pdf_variant (docs/architecture.md,
"Performance"; targets: issuing costs no more than 1.1x the bare render, and a worker's memory
after 1,000 letters is within 50 MB of its memory after 10).

Time: the two are interleaved, so drift in the machine's speed touches both alike, and
medians are compared. The ratio is of CPU time (time.process_time: this process, every
thread): on a shared 2-core machine the wall clock mostly measures waiting for a core (it ran
4-5x the CPU time while this was written), which is not the letter's cost. Both are printed.

Memory: one worker (this process) issues letters one after another as Celery's prefork
worker would, each a different letter (reference, code, title: a fresh QR code and text);
its resident set size is read after 10 letters and after 1,000 (--short: after 10 and 30).

Run: .venv/bin/python benchmarks/letters.py [--repeat 15] [--letters 1000]
"""

import argparse
import dataclasses
import gc
import hashlib
import os
import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import FileSystemStorage  # noqa: E402
from django.test import override_settings  # noqa: E402
from weasyprint import HTML  # noqa: E402

from credentials.letters import render  # noqa: E402
from credentials.letters.sign import letter_sign  # noqa: E402
from credentials.letters.verify import letter_signature_check  # noqa: E402
from tests.credentials.letter_samples import assessment_letter, french_catalogue  # noqa: E402

TARGET_RATIO = 1.1
TARGET_MEMORY_MB = 50
SHORT = bool(os.environ.get("BENCHMARK_SHORT"))


def issue(letter, storage):
    pdf = render.assessment_letter_pdf(letter)
    signed = letter_sign(pdf)
    sha256 = hashlib.sha256(signed).hexdigest()
    storage.save("letters/%s-v%d.pdf" % (letter.reference, letter.version), ContentFile(signed))
    return signed, sha256


def bare_render(html):
    return HTML(string=html).write_pdf(font_config=render._font_configuration(), pdf_variant=render.PDF_VARIANT)


def rss_mb():
    """This process's resident set size, from /proc (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def nth_letter(n):
    return dataclasses.replace(
        assessment_letter(),
        reference="MCA-2026-%05d" % n,
        verification_code="K7QF-3MZP-%04d-C2HD" % n,
        title="Data Analytics for Supply Chain Operations, cohort %d" % n,
    )


def timed(function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9 if SHORT else 21)
    parser.add_argument("--letters", type=int, default=30 if SHORT else 1000,
                        help="letters the worker issues for the memory measure (first read after 10)")
    args = parser.parse_args()
    french_catalogue()

    with tempfile.TemporaryDirectory() as var_dir, override_settings(
        VAR_DIR=pathlib.Path(var_dir), SIGNING_KEY_FILE="", SIGNING_CERT_FILE=""
    ):
        storage = FileSystemStorage(location=pathlib.Path(var_dir) / "media")
        letter = assessment_letter()
        html = render.assessment_letter_html(letter)

        # Warm-up, untimed: the development key is made, fonts are loaded, the signer is parsed.
        signed, _ = issue(letter, storage)
        bare_render(html)
        assert letter_signature_check(signed).signature_valid

        issued, bare = [], []
        for _ in range(args.repeat):
            bare.append(timed(bare_render, html))
            issued.append(timed(issue, letter, storage))

        # Memory: a worker issuing different letters one after another.
        for n in range(1, args.letters + 1):
            issue(nth_letter(n), storage)
            if n == 10:
                gc.collect()
                after_10 = rss_mb()
        gc.collect()
        after_all = rss_mb()

    def medians(samples, which):
        return statistics.median(s[which] for s in samples), min(s[which] for s in samples)

    (bare_cpu, bare_cpu_min), (issued_cpu, issued_cpu_min) = medians(bare, 1), medians(issued, 1)
    (bare_wall, _), (issued_wall, _) = medians(bare, 0), medians(issued, 0)
    ratio = issued_cpu / bare_cpu
    growth = after_all - after_10
    time_met, memory_met = ratio <= TARGET_RATIO, growth <= TARGET_MEMORY_MB
    print("bilingual letter (2 pages, PDF/A-3a, US Letter): %d interleaved repetitions, medians" % args.repeat)
    print("  bare WeasyPrint render of the same HTML   CPU %7.1f ms (min %.1f)   wall %7.1f ms" % (
        bare_cpu * 1e3, bare_cpu_min * 1e3, bare_wall * 1e3))
    print("  issue: render + sign + SHA-256 + store     CPU %7.1f ms (min %.1f)   wall %7.1f ms" % (
        issued_cpu * 1e3, issued_cpu_min * 1e3, issued_wall * 1e3))
    print("  ratio of CPU medians %.3fx (of minimums %.3fx; of wall medians %.2fx)   target <= %.1fx   %s" % (
        ratio, issued_cpu_min / bare_cpu_min, issued_wall / bare_wall, TARGET_RATIO, "MET" if time_met else "MISSED"))
    print("  worker memory: %.1f MB after 10 letters, %.1f MB after %d: %+.1f MB   target <= %d MB   %s" % (
        after_10, after_all, args.letters, growth, TARGET_MEMORY_MB, "MET" if memory_met else "MISSED"))
    status = "met" if time_met and memory_met else "missed"
    print("RESULT letters %.2f %.1f %s" % (ratio, TARGET_RATIO, status))


if __name__ == "__main__":
    main()

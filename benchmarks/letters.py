"""One letter issued (template, QR code, WeasyPrint render, pyHanko signature, SHA-256, stored
through Django's storage API) against the bare WeasyPrint render of the same HTML
(docs/architecture.md, "Performance"; target: issuing costs no more than 1.2x the bare render).

Both sides reuse one FontConfiguration, as a worker does. The two are interleaved, so drift
in the machine's speed touches both alike; medians are compared.

Run: .venv/bin/python benchmarks/letters.py [--repeat 15]
"""

import argparse
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
from tests.credentials.letter_samples import assessment_letter  # noqa: E402

TARGET_RATIO = 1.1


def issue(letter, storage):
    pdf = render.assessment_letter_pdf(letter)
    signed = letter_sign(pdf)
    sha256 = hashlib.sha256(signed).hexdigest()
    storage.save("letters/%s-v%d.pdf" % (letter.reference, letter.version), ContentFile(signed))
    return signed, sha256


def bare_render(html):
    return HTML(string=html).write_pdf(font_config=render._font_configuration(), pdf_variant=render.PDF_VARIANT)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9 if os.environ.get("BENCHMARK_SHORT") else 15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as var_dir, override_settings(VAR_DIR=pathlib.Path(var_dir)):
        storage = FileSystemStorage(location=pathlib.Path(var_dir) / "media")
        letter = assessment_letter()
        html = render.assessment_letter_html(letter)

        # Warm-up, untimed: the development key is made, fonts are loaded, the signer is parsed.
        signed, _ = issue(letter, storage)
        bare_render(html)
        assert letter_signature_check(signed).signature_valid

        issued, bare = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            bare_render(html)
            bare.append(time.perf_counter() - start)
            start = time.perf_counter()
            issue(letter, storage)
            issued.append(time.perf_counter() - start)

    bare_median, issued_median = statistics.median(bare), statistics.median(issued)
    ratio = issued_median / bare_median
    print("letter: %d interleaved repetitions, medians" % args.repeat)
    print("  bare WeasyPrint render of the same HTML   %7.1f ms  (min %.1f)" % (bare_median * 1e3, min(bare) * 1e3))
    print("  issue: render + sign + SHA-256 + store     %7.1f ms  (min %.1f)" % (issued_median * 1e3, min(issued) * 1e3))
    print("  ratio of medians %.2fx (of minimums %.2fx)   target <= %.1fx   %s" % (
        ratio, min(issued) / min(bare), TARGET_RATIO, "MET" if ratio <= TARGET_RATIO else "MISSED"))
    print("RESULT letters %.2f %.1f %s" % (ratio, TARGET_RATIO, "met" if ratio <= TARGET_RATIO else "missed"))


if __name__ == "__main__":
    main()

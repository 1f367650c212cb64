"""The text of a PDF as poppler's `pdftotext` reads it, for tests of letters and summaries.

The PDF goes to pdftotext as a file, not on standard input: reading a PDF from a pipe, poppler
once grew to 23 GB and was killed by the kernel in CI. The child also gets a memory ceiling
and a time limit, so a misbehaving reader fails its test instead of the machine."""

import resource
import subprocess
import tempfile

MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space; a two-page letter needs ~30 MB


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def pdf_text(pdf: bytes, *pages: int) -> str:
    """The text of `pdf` (of pages `pages[0]`..`pages[-1]` when given), whitespace collapsed
    and non-breaking spaces as spaces: a sentence may wrap anywhere on the page."""
    options = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        out = subprocess.run(["pdftotext", *options, file.name, "-"], capture_output=True, check=True,
                             timeout=60, preexec_fn=_limit_memory).stdout
    return " ".join(out.decode().split()).replace("\u00a0", " ")

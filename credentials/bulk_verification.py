"""Bulk verification: a registrar's CSV of verification codes (one a row, a header optional,
maybe a completion date beside each) checked in one go, answered as a CSV of results.

The file comes from anywhere (a student system, a spreadsheet, a wrong choice in a file
dialog): everything that is not a small text CSV of codes is refused whole with a reason,
before any lookup; a row whose code or date is wrong is reported in its own result row.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.errors import DomainError
from config.spreadsheet_csv import csv_text

from . import selectors
from .codes import verification_code_normalise
from .models import Assessment, AssessmentTerms
from .stacking import PROBLEMS, UNKNOWN, standing_problem, terms_at
from .terms import credits_number

MAX_ROWS = 1000
MAX_BYTES = 256 * 1024

BAD_DATE = "invalid_completed_on"
RESULT_PROBLEMS = {**PROBLEMS, BAD_DATE: gettext_lazy("The completion date is not a date in the form YYYY-MM-DD.")}

CODE_HEADERS = {"code", "codes", "verification code", "verification_code", "verificationcode"}
DATE_HEADERS = {"completed_on", "completed on", "completed", "completion date", "completion_date", "date completed"}

RESULT_COLUMNS = ["row", "code", "completed_on", "status", "reference", "title", "provider", "level", "credits",
                  "transfer_category", "problem", "problem_detail"]


class BulkFileRejected(DomainError):
    """The file as a whole is not a list of codes this service can read; nothing was checked."""


@dataclass(frozen=True)
class BulkItem:
    row: int  # the row's number in the file, counting the header
    code: str
    completed_on: dt.date | None
    completed_on_text: str


@dataclass(frozen=True)
class BulkResult:
    item: BulkItem
    assessment: Assessment | None
    problem: str | None
    # The terms of the completion date's period, else the entry's current terms.
    terms: AssessmentTerms | Assessment | None = None

    @property
    def problem_text(self):
        return RESULT_PROBLEMS.get(self.problem)


def codes_from_csv(data: bytes) -> list[BulkItem]:
    """The rows of an uploaded CSV, or BulkFileRejected saying why the file cannot be read."""
    if len(data) > MAX_BYTES:
        raise BulkFileRejected(
            _("The file is larger than %(size)d KB. Split it: at most %(rows)d codes a file.")
            % {"size": MAX_BYTES // 1024, "rows": MAX_ROWS})
    if data.startswith(b"%PDF-"):
        raise BulkFileRejected(_("This is a PDF. To check a letter, use the letter check; here, upload a CSV of codes."))
    if b"\x00" in data:
        raise BulkFileRejected(_("This is not a text file (it holds binary data). Save the list as CSV and upload that."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BulkFileRejected(
            _("The file is not UTF-8 text. In a spreadsheet, save it as “CSV UTF-8” and upload that.")
        ) from None
    rows = _rows(text)
    if not rows:
        raise BulkFileRejected(_("The file holds no codes. Put one verification code on each row."))
    code_column, date_column, first = _layout(rows[0][1])
    if first == 1:
        rows = rows[1:]
    if len(rows) > MAX_ROWS:
        raise BulkFileRejected(_("The file has %(count)d rows of codes; at most %(rows)d a file. Split it and upload "
                                 "each part.") % {"count": len(rows), "rows": MAX_ROWS})
    if not rows:
        raise BulkFileRejected(_("The file has a header but no codes under it."))
    items = []
    for number, cells in rows:
        code = cells[code_column].strip() if code_column < len(cells) else ""
        date_text = cells[date_column].strip() if date_column is not None and date_column < len(cells) else ""
        items.append(BulkItem(number, code[:100], _date(date_text), date_text[:40]))
    if not any(verification_code_normalise(item.code) for item in items):
        raise BulkFileRejected(
            _("No row of this file starts with a verification code (16 letters and digits, e.g. "
            "K7QF-3MZP-9WXA-C2HD). Put one code on each row, in the first column or under a “code” header.")
        )
    return items


def _rows(text):
    """(row number, cells) of each row that is not blank."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [
            (number, cells) for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1)
            if any(cell.strip() for cell in cells)
        ]
    except csv.Error as error:
        raise BulkFileRejected(_("The file is not a CSV this service can read (%s).") % error) from None


def _layout(cells):
    """(code column, completion date column or None, 1 when the first row is a header)."""
    names = [" ".join(cell.strip().lower().split()) for cell in cells]
    if cells and verification_code_normalise(cells[0]) is None and any(name in CODE_HEADERS for name in names):
        code = next(index for index, name in enumerate(names) if name in CODE_HEADERS)
        date = next((index for index, name in enumerate(names) if name in DATE_HEADERS), None)
        return code, date, 1
    return 0, 1, 0


def _date(text):
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def bulk_verify(items) -> list[BulkResult]:
    """Each row's entry and whether it stands (for its completion date when given), in the
    file's order; two queries whatever the number of rows (the entries, their periods)."""
    canonical = [verification_code_normalise(item.code) for item in items]
    found = selectors.assessments_by_codes([code for code in canonical if code])
    results = []
    for item, code in zip(items, canonical, strict=True):
        assessment = found.get(code) if code else None
        if assessment is None:
            problem = UNKNOWN
        elif item.completed_on_text and item.completed_on is None:
            problem = BAD_DATE
        else:
            problem = standing_problem(assessment, item.completed_on)
        results.append(BulkResult(item, assessment, problem, terms_at(assessment, item.completed_on)))
    return results


def results_csv(results) -> str:
    rows = []
    for result in results:
        assessment, item, terms = result.assessment, result.item, result.terms
        rows.append([
            item.row, item.code, item.completed_on_text,
            assessment.status if assessment else "unknown",
            assessment.reference if assessment else "", assessment.title if assessment else "",
            assessment.provider.name if assessment else "", terms.level_id if terms else "",
            credits_number(terms.credits) if terms else "",
            terms.transfer_category if terms else "",
            result.problem or "", result.problem_text or "",
        ])
    return csv_text(rows, header=RESULT_COLUMNS)


def items_csv(items) -> str:
    """The rows as read (code, completion date), for a page to send back when the registrar
    downloads the results of a file already checked. Read back by codes_from_csv, never by a
    spreadsheet, so written exactly as read: an apostrophe would change a code."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["code", "completed_on"])
    writer.writerows([item.code, item.completed_on_text] for item in items)
    return out.getvalue()

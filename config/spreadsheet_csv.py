"""CSV for spreadsheets, and the one rule for text a spreadsheet would run as a formula.

CSV injection (OWASP): a cell starting with = + - @ (or a tab or carriage return, which some
spreadsheets drop before looking) is read as a formula, e.g. =HYPERLINK("http://x","y"),
and spreadsheets skip leading spaces and invisible characters before they look. Titles,
names and descriptions come from providers, so the rule applies to every export and to the
catalogue import alike:
- exports neutralise such a cell with a leading apostrophe, which spreadsheets show as text
  and do not display (OWASP's advice); the import refuses it (credentials/catalogue.py), so
  what the agency assesses is exactly what the provider sent.
- Only text is judged. Figures are written as numbers (int, Decimal, float) and never
  touched; and a text cell that is a plain number ("-5", "+1.5") is left alone too, since a
  spreadsheet reads it as that number and runs nothing. So -5 in a numeric column stays -5.
"""

import csv
import io
import re
import unicodedata

from django.http import HttpResponse
from django.utils.http import content_disposition_header

FORMULA_STARTS = "=+-@\uff1d\uff0b\uff0d\uff20"  # and their full-width forms
_PLAIN_NUMBER = re.compile(r"[+\-\uff0b\uff0d]?(\d+(\.\d*)?|\.\d+)\Z")
BYTE_ORDER_MARK = "\ufeff"


def _visible_start(text):
    """`text` without the leading whitespace and control or format characters a spreadsheet
    skips (spaces, tabs, no-break spaces, zero-width and direction marks, the BOM)."""
    index = 0
    while index < len(text) and (text[index].isspace() or unicodedata.category(text[index]) in ("Cc", "Cf")):
        index += 1
    return text[index:]


def starts_like_formula(text) -> bool:
    if not isinstance(text, str) or not text:
        return False
    if text[0] in "\t\r":
        return True
    visible = _visible_start(text)
    return bool(visible) and visible[0] in FORMULA_STARTS and not _PLAIN_NUMBER.match(visible)


def neutralise(value):
    """A cell as a spreadsheet should show it: text that starts like a formula behind an
    apostrophe; anything else (numbers, dates, ordinary text) as it is; None as empty."""
    if value is None:
        return ""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


def csv_text(rows, *, header=None) -> str:
    """Rows (lists of cells) as CSV text, every cell neutralised; Windows line ends, as
    spreadsheets write them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header is not None:
        writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_download(text, *, filename) -> HttpResponse:
    """A CSV to save. It starts with a byte-order mark: spreadsheet programs otherwise read
    UTF-8 (accented titles, en dashes) as Latin-1."""
    response = HttpResponse(BYTE_ORDER_MARK + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


__all__ = ["csv_download", "csv_text", "neutralise", "starts_like_formula"]

"""The stacking calculator's result as files a registrar keeps with the learner's record: CSV
rows for a spreadsheet or a student system, and a one-page PDF summary to file."""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header

from config.spreadsheet_csv import csv_download, csv_text

from .letters.render import CREDIT_UNIT, LANGUAGES, html_to_pdf
from .terms import credits_number

SUMMARY_TEMPLATE = "register/stack_summary.html"
SUMMARY_BODY_TEMPLATE = "register/_stack_summary_body.html"

STACK_COLUMNS = [
    "position", "code", "completed_on", "reference", "title", "provider", "level", "credits",
    "transfer_category", "status", "counted", "problem", "problem_detail",
]

def stack_csv(stack) -> str:
    """One row per item, in the order entered, counted or not."""
    rows = []
    for position, item in enumerate(stack.items, start=1):
        assessment, terms = item.assessment, item.terms
        rows.append([
            position, item.code, item.completed_on.isoformat() if item.completed_on else "",
            assessment.reference if assessment else "", assessment.title if assessment else "",
            assessment.provider.name if assessment else "", terms.level_id if terms else "",
            credits_number(terms.credits) if terms else "",
            terms.transfer_category if terms else "", assessment.status if assessment else "",
            "yes" if item.counted else "no", item.problem or "", item.problem_text or "",
        ])
    return csv_text(rows, header=STACK_COLUMNS)


def stack_pdf(stack, *, run_by, run_at=None) -> bytes:
    """The summary a registrar files: each item with its status and whether it counts, the
    totals by level and by transfer category, when it was run and by whom; one bilingual
    archival PDF, English then French, as the agency's letters are (letters/base_letter.html)."""
    run_at = timezone.localtime(run_at or timezone.now())
    levels = {item.terms.level_id: item.terms.level for item in stack.items if item.counted}
    html = render_to_string(SUMMARY_TEMPLATE, {
        "body_template": SUMMARY_BODY_TEMPLATE,
        "languages": LANGUAGES,
        "stack": stack,
        "items": [(position, item) for position, item in enumerate(stack.items, start=1)],
        # The Level itself, so the French section can give its French name where there is one.
        "by_level": [(level_id, levels.get(level_id), credits) for level_id, _name, credits in stack.by_level_named],
        "by_category": stack.by_transfer_category_labelled,
        "counted": sum(1 for item in stack.items if item.counted),
        "credit_unit": CREDIT_UNIT,
        "run_by": run_by.name or run_by.email,
        "run_by_organisation": run_by.organisation.name if run_by.organisation_id else "",
        "run_at": run_at,
        "agency": {"name": settings.AGENCY_NAME, "name_fr": settings.AGENCY_NAME_FR},
        "agency_short_name": settings.AGENCY_SHORT_NAME,
        "site_url": settings.SITE_URL,
        "created": run_at.isoformat(),
        "letter": {},
    })
    identity = "stack:%s:%s" % (run_at.isoformat(), hashlib.sha256(stack_csv(stack).encode()).hexdigest())
    return html_to_pdf(html, identity=identity)


def download(content, *, content_type, filename):
    """An export as a file to save (the page's and the API's answer alike); a CSV as
    config.spreadsheet_csv writes it."""
    if content_type.startswith("text/csv"):
        return csv_download(content, filename=filename)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response

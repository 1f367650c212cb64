"""Letters as PDF: the assessment letter of an approved micro-credential and the decision
letter of a declined application, rendered by WeasyPrint from a plain description of the letter.

Rendering is deterministic: the PDF's dates and file identifier come from the letter itself,
never from the clock, so the same letter renders to the same bytes (tests pin this).
"""

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field
from decimal import Decimal

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from config.dates import long_date

from ..models import TransferCategory
from ..terms import credits_number

ASSESSMENT_TEMPLATE = "letters/assessment_letter.html"
DECISION_TEMPLATE = "letters/decision_letter.html"

CREDIT_UNIT = "1 agency credit = 10 notional learning hours"
DISCLAIMER = (
    "This assessment is advice to receiving institutions. Credit actually granted towards any "
    "program is at the receiving institution's discretion."
)


@dataclass(frozen=True)
class AssessmentLetter:
    """What an assessment letter says: the register entry as assessed, in the agency's words."""

    reference: str  # MCA-YYYY-NNNNN
    verification_code: str  # XXXX-XXXX-XXXX-XXXX
    provider: str
    title: str
    notional_hours: int
    delivery_mode: str  # its label, as the model's choices say it
    assessment_description: str
    framework: str  # e.g. "Ontario Qualifications Framework"
    level_id: str  # e.g. "OQF-9"
    level_name: str  # e.g. "Post-Diploma Certificate"
    credits: Decimal
    transfer_category: str  # a code of credentials.models.TransferCategory
    subject_area: str
    valid_from: dt.date
    next_review_date: dt.date
    letter_date: dt.date
    version: int
    approver_name: str
    approver_title: str
    provider_address: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionLetter:
    """What a decision letter to a declined application says; its reasons go to the provider
    alone and never into the register."""

    reference: str
    provider: str
    title: str
    notional_hours: int
    delivery_mode: str
    assessment_description: str
    reasons: tuple[str, ...]
    letter_date: dt.date
    approver_name: str
    approver_title: str
    version: int = 1
    provider_address: tuple[str, ...] = field(default=())


def verification_url(code: str) -> str:
    return settings.SITE_URL + "/verify/" + code + "/"


def verification_qr_svg(url: str) -> str:
    """An inline SVG QR code opening `url`; error level M survives a crease or a smudge, and
    the quiet zone of 4 modules that scanners need is part of the image."""
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(scale=1, border=4, dark="#1a1a1a", omitsize=True, svgclass="qr-code")


def assessment_letter_html(letter: AssessmentLetter) -> str:
    url = verification_url(letter.verification_code)
    context = {
        "letter": letter,
        "agency_name": settings.AGENCY_NAME,
        "agency_short_name": settings.AGENCY_SHORT_NAME,
        "site_url": settings.SITE_URL,
        "verify_url": url,
        "qr_svg": mark_safe(verification_qr_svg(url)),  # noqa: S308 (segno's own markup)
        "letter_date": long_date(letter.letter_date),
        "valid_from": long_date(letter.valid_from),
        "next_review_date": long_date(letter.next_review_date),
        "created": letter.letter_date.isoformat(),
        "credits": credits_text(letter.credits),
        "credit_unit": CREDIT_UNIT,
        "transfer_category": TransferCategory(letter.transfer_category).label,
        "delivery_mode": letter.delivery_mode,
        "disclaimer": DISCLAIMER,
    }
    return render_to_string(ASSESSMENT_TEMPLATE, context)


def decision_letter_html(letter: DecisionLetter) -> str:
    context = {
        "letter": letter,
        "agency_name": settings.AGENCY_NAME,
        "agency_short_name": settings.AGENCY_SHORT_NAME,
        "site_url": settings.SITE_URL,
        "letter_date": long_date(letter.letter_date),
        "created": letter.letter_date.isoformat(),
        "delivery_mode": letter.delivery_mode,
    }
    return render_to_string(DECISION_TEMPLATE, context)


def assessment_letter_pdf(letter: AssessmentLetter) -> bytes:
    return html_to_pdf(assessment_letter_html(letter), identity=_identity(letter))


def decision_letter_pdf(letter: DecisionLetter) -> bytes:
    return html_to_pdf(decision_letter_html(letter), identity=_identity(letter))


def html_to_pdf(html: str, *, identity: str) -> bytes:
    """The PDF of a letter's HTML. `identity` names the letter (reference and version) and
    becomes the PDF's file identifier, which WeasyPrint would otherwise leave out or derive
    from nothing stable."""
    document = HTML(string=html, base_url=str(settings.BASE_DIR / "templates"), url_fetcher=_FETCHER)
    return document.write_pdf(
        font_config=_font_configuration(),
        pdf_identifier=hashlib.md5(identity.encode(), usedforsecurity=False).hexdigest().encode(),
        pdf_version="1.7",
    )


def credits_text(value: Decimal) -> str:
    return credits_number(value) + (" agency credit" if Decimal(value) == 1 else " agency credits")


def _identity(letter) -> str:
    return "%s/%s/%d" % (type(letter).__name__, letter.reference, letter.version)


# Letters use only data: URLs and installed fonts; nothing may reach the network or disk.
_FETCHER = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)

# WeasyPrint's FontConfiguration is costly to build and not safe to share across threads:
# one per thread, made on first use (one per process under Celery's prefork pool).
_local = threading.local()


def _font_configuration() -> FontConfiguration:
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config

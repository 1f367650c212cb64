"""Letters as PDF: the assessment letter of an approved micro-credential and the decision
letter of a declined application, rendered by WeasyPrint from a plain description of the letter.

Every letter is one bilingual document, English then French: one body template rendered
twice, under `{% language "en" %}` and `{% language "fr" %}`, each in a <section> whose `lang`
the tagged PDF declares (docs/letters.md). The file is archival and accessible: PDF/A-3a
(tagged, with XMP metadata), on US Letter paper; credentials.letters.sign signs it afterwards
as an incremental update, which keeps the PDF/A file intact underneath the signature.

Rendering is deterministic: the PDF's dates and file identifier come from the letter itself,
never from the clock, so the same letter renders to the same bytes (tests pin this).
"""

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field
from decimal import Decimal

import pydyf
import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML
from weasyprint.formatting_structure import boxes as _boxes
from weasyprint.pdf import tags as _weasyprint_tags
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ..models import TransferCategory
from .text import credits_text  # noqa: F401 (the letters' one formatter of a credit value)

ASSESSMENT_TEMPLATE = "letters/assessment_letter.html"
DECISION_TEMPLATE = "letters/decision_letter.html"
ASSESSMENT_BODY = "letters/_assessment_body.html"
DECISION_BODY = "letters/_decision_body.html"

# Archival (ISO 19005-3, level A: tagged, Unicode text, XMP metadata) and accessible.
PDF_VARIANT = "pdf/a-3a"
# The languages of a letter, in the order it gives them, with the tag each section declares.
LANGUAGES = (("en", "en-CA"), ("fr", "fr-CA"))

CREDIT_UNIT = _("1 agency credit = 10 notional learning hours")
DISCLAIMER = _(
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
    # French versions where they exist; each French section falls back to the English one.
    title_fr: str = ""
    framework_fr: str = ""
    level_name_fr: str = ""


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
    title_fr: str = ""


def verification_url(code: str) -> str:
    return settings.SITE_URL + "/verify/" + code + "/"


def verification_qr_svg(url: str) -> str:
    """An inline SVG QR code opening `url`; error level M survives a crease or a smudge, and
    the quiet zone of 4 modules that scanners need is part of the image. Its <title> is the
    figure's alternative text in the tagged PDF, in both languages."""
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(
        scale=1, border=4, dark="#1a1a1a", omitsize=True, svgclass="qr-code",
        title="QR code: %s / Code QR : %s" % (url, url),
    )


def _context(letter, body_template, **extra) -> dict:
    return {
        "letter": letter,
        "body_template": body_template,
        "languages": LANGUAGES,
        "agency": {"name": settings.AGENCY_NAME, "name_fr": settings.AGENCY_NAME_FR},
        "agency_name": settings.AGENCY_NAME,
        "agency_short_name": settings.AGENCY_SHORT_NAME,
        "site_url": settings.SITE_URL,
        "created": letter.letter_date.isoformat(),
        **extra,
    }


def assessment_letter_html(letter: AssessmentLetter) -> str:
    url = verification_url(letter.verification_code)
    return render_to_string(ASSESSMENT_TEMPLATE, _context(
        letter, ASSESSMENT_BODY,
        verify_url=url,
        qr_svg=mark_safe(verification_qr_svg(url)),  # noqa: S308 (segno's own markup)
        credit_unit=CREDIT_UNIT,
        # The label, not a string: each section renders it in its language.
        transfer_category=TransferCategory(letter.transfer_category).label,
        disclaimer=DISCLAIMER,
    ))


def decision_letter_html(letter: DecisionLetter) -> str:
    return render_to_string(DECISION_TEMPLATE, _context(letter, DECISION_BODY))


def assessment_letter_pdf(letter: AssessmentLetter) -> bytes:
    return html_to_pdf(assessment_letter_html(letter), identity=_identity(letter))


def decision_letter_pdf(letter: DecisionLetter) -> bytes:
    return html_to_pdf(decision_letter_html(letter), identity=_identity(letter))


def html_to_pdf(html: str, *, identity: str) -> bytes:
    """The archival PDF of a letter's HTML. `identity` names the letter (reference and
    version) and becomes the PDF's file identifier, which WeasyPrint would otherwise derive
    from nothing stable."""
    document = HTML(string=html, base_url=str(settings.BASE_DIR / "templates"), url_fetcher=_FETCHER)
    return document.write_pdf(
        font_config=_font_configuration(),
        pdf_identifier=hashlib.md5(identity.encode(), usedforsecurity=False).hexdigest().encode(),
        pdf_variant=PDF_VARIANT,
        finisher=_producer_left_to_the_signer,
    )


def _producer_left_to_the_signer(document, pdf):
    """PDF/A wants the Info dictionary and the XMP metadata to agree. Signing (pyHanko)
    rewrites the XMP Producer as its own name but appends its name to an Info Producer
    already there ("WeasyPrint; pyHanko"), so the signed letter would disagree with itself.
    Without an Info Producer both say the signer's name once signed (and, unsigned, the XMP
    alone names WeasyPrint, which PDF/A allows)."""
    pdf.info.pop("Producer", None)


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


# WeasyPrint (70) tags a <section> as /Sect but declares only the document's language (the
# catalog's /Lang, from <html lang>). A screen reader must switch voice for the French half,
# so the structure element of any HTML element with its own `lang` gets /Lang (ISO 32000-1,
# 14.9.2; children inherit it). Wrapping the module's tree builder covers its recursive calls
# too, which look the name up in the module; tests/credentials/test_letters.py checks the
# sections' /Lang, so a WeasyPrint that changes this fails there, not silently.
_build_box_tree = _weasyprint_tags._build_box_tree


def _build_box_tree_with_lang(box, parent, *args):
    lang = None
    if not isinstance(box, (_boxes.PageBox, _boxes.MarginBox)) and getattr(box, "element", None) is not None:
        if box.element_tag not in ("html", "body"):  # those yield their children's elements
            lang = box.element.get("lang")
    for element in _build_box_tree(box, parent, *args):
        if lang and "Lang" not in element:
            element["Lang"] = pydyf.String(lang)
        yield element


if _weasyprint_tags._build_box_tree is not _build_box_tree_with_lang:
    _weasyprint_tags._build_box_tree = _build_box_tree_with_lang

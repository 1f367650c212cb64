"""Every read of micro-credentials and reference data, already scoped to the person asking.

A provider sees only its organisation's records and the agency sees all: anything else is
simply not found (404), never "forbidden", so ids reveal nothing.
"""

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, FloatField, Prefetch, Q, Value
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.permissions import can_read_full_register, is_agency_staff, is_provider

from .codes import verification_code_normalise
from .models import (
    Assessment,
    AssessmentTerms,
    Attachment,
    FieldOfStudy,
    Framework,
    Letter,
    Level,
    MicroCredential,
)

# Ids are 64-bit: anything outside that range cannot name a row, and asking the database
# would fail (an overflow, not "not found").
MAX_ID = 2**63 - 1


def is_possible_id(value):
    try:
        return 0 < int(value) <= MAX_ID
    except (TypeError, ValueError):
        return False


def microcredentials_visible_to(user):
    queryset = MicroCredential.objects.select_related("provider").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id"))
    )
    if is_agency_staff(user):
        return queryset
    if is_provider(user):
        return queryset.filter(provider_id=user.organisation_id)
    return queryset.none()


def microcredential_get(*, user, pk):
    if not is_possible_id(pk):
        raise Http404(_("No such micro-credential."))
    try:
        return microcredentials_visible_to(user).get(pk=pk)
    except (MicroCredential.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such micro-credential.")) from None


def attachment_get(*, user, microcredential_id, pk):
    microcredential = microcredential_get(user=user, pk=microcredential_id)
    if not is_possible_id(pk):
        raise Http404(_("No such attachment."))
    try:
        return microcredential.attachments.get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such attachment.")) from None


def frameworks_with_levels():
    return Framework.objects.prefetch_related(Prefetch("levels", queryset=Level.objects.order_by("number")))


def fields_of_study():
    return FieldOfStudy.objects.order_by("code")


def level_ids():
    return set(Level.objects.values_list("id", flat=True))


def field_of_study_codes():
    return set(FieldOfStudy.objects.values_list("code", flat=True))


def assessments_visible_to(user):
    """The register as this person may read it: the public sees current and expiring entries,
    a provider also its own in any status, the agency and registrars everything."""
    queryset = Assessment.objects.select_related("level", "provider", "field_of_study").prefetch_related(
        Prefetch("letters", queryset=Letter.objects.order_by("version"))
    )
    if can_read_full_register(user):
        return queryset
    public = Q(status__in=Assessment.PUBLIC_STATUSES)
    if is_provider(user):
        return queryset.filter(public | Q(provider_id=user.organisation_id))
    return queryset.filter(public)


# A register reference as typed in the search box (`MCA-2026-00042`, any case).
REFERENCE = re.compile(r"[A-Za-z]{2,5}-\d{4}-\d{1,9}")


def register_search(queryset, text):
    """Entries matching the words typed, in English or in French (each language's stemming
    over the stored bilingual vector), newest first, each with its `rank` (title weighs most).

    The order is the register's own, which an index serves: a page of a word that matches a
    large share of a million entries reads only its rows, where ordering by rank would rank
    every match first. The rank orders the rows within each page (register_page_ranked)."""
    text = (text or "").strip()
    if not text:
        return queryset
    if REFERENCE.fullmatch(text):
        # A reference names one entry: its unique index answers, where the text search would
        # read the posting lists of `mca` and `2026`, which every entry has.
        exact = queryset.filter(reference=text.upper())
        return exact.annotate(rank=Value(1.0, output_field=FloatField())).order_by("-issued_at", "-id")
    query = SearchQuery(text, search_type="websearch", config="english") | SearchQuery(
        text, search_type="websearch", config="french"
    )
    return (
        queryset.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-issued_at", "-id")
    )


def register_page_ranked(rows):
    """A page of a search's rows, best match first (ties keep the register's order)."""
    rows = list(rows)
    if rows and hasattr(rows[0], "rank"):
        rows.sort(key=lambda row: -row.rank)
    return rows


# Up to this many matches the register counts them; beyond, the planner's estimate answers.
REGISTER_EXACT_COUNT = 1000


def register_count(queryset, cap=None):
    """(count, is_estimate) of a register query, in one query: exact up to `cap`, the
    planner's estimate above it (the register_count function, migration 0013), so counting
    a common word's matches costs what a page does, not what the matches do."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (queryset.none())
        return 0, False
    cap = REGISTER_EXACT_COUNT if cap is None else cap
    with connection.cursor() as cursor:
        cursor.execute("SELECT total, estimated FROM register_count(%s, %s)",
                       [connection.ops.compose_sql(sql, params), cap])
        total, estimated = cursor.fetchone()
    return total, estimated


def assessment_get(*, user, reference):
    """One register entry, with its letters and its terms periods."""
    try:
        return assessments_visible_to(user).prefetch_related(terms_periods()).get(reference=str(reference).upper())
    except Assessment.DoesNotExist:
        raise Http404(_("No such assessment.")) from None


def assessment_by_code(code):
    """The entry a verification code names, whatever its status (a revoked entry must say so),
    or None; malformed codes are simply unknown."""
    canonical = verification_code_normalise(code)
    if canonical is None:
        return None
    return (
        Assessment.objects.select_related("level", "provider")
        .prefetch_related(Prefetch("letters", queryset=Letter.objects.order_by("version")), terms_periods())
        .filter(verification_code=canonical)
        .first()
    )


@dataclass(frozen=True)
class LetterFacts:
    version: int
    issued_at: dt.datetime
    sha256: str


@dataclass(frozen=True)
class TermsFacts:
    starts_on: dt.date
    ends_on: dt.date | None
    level: str
    credits: Decimal
    transfer_category: str
    subject_area: str


@dataclass(frozen=True)
class VerificationFacts:
    """What verification by code answers: the entry's status and facts, read in one query."""

    status: str
    status_label: str
    status_reason: str
    reference: str
    title: str
    provider: str
    level: str
    level_name: str
    level_name_fr: str  # empty when the level has no French name (languages.localized falls back)
    credits: Decimal
    transfer_category: str
    subject_area: str
    current_from: dt.date
    current_until: dt.date | None
    review_due_date: dt.date
    letters: tuple
    terms: tuple


@functools.cache
def _verification_sql():
    """The entry by code, joined to its level, its provider and (outer) its letter versions
    and its terms periods: one row per version and period, a handful at most. Written once
    per process rather than compiled by the ORM on every call: the compilation of these joins
    costs the public endpoint more than the query does."""
    quote = connection.ops.quote_name
    assessment, organisation, level, letter, terms = (
        quote(model._meta.db_table) for model in (Assessment, Organisation, Level, Letter, AssessmentTerms)
    )
    return (
        "SELECT a.status, a.status_reason, a.reference, a.title, p.name, a.level_id, l.name, a.credits,"
        " a.transfer_category, a.subject_area, a.current_from, a.current_until, a.review_due_date,"
        " v.version, v.issued_at, v.sha256,"
        " t.starts_on, t.ends_on, t.level_id, t.credits, t.transfer_category, t.subject_area,"
        " l.name_fr"
        " FROM %s a JOIN %s p ON p.id = a.provider_id JOIN %s l ON l.id = a.level_id"
        " LEFT JOIN %s v ON v.assessment_id = a.id"
        " LEFT JOIN %s t ON t.assessment_id = a.id"
        " WHERE a.verification_code = %%s" % (assessment, organisation, level, letter, terms)
    )


def verification_by_code(code) -> VerificationFacts | None:
    """The facts a verification code names, whatever the status (a revoked entry must say so),
    or None; malformed codes are simply unknown. The public, throttled, most-asked read of
    the system: one query of plain values, no model instances."""
    canonical = verification_code_normalise(code)
    if canonical is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_verification_sql(), [canonical])
        rows = cursor.fetchall()
    if not rows:
        return None
    (status, reason, reference, title, provider, level, level_name, credits, category, subject,
     current_from, current_until, review_due_date) = rows[0][:13]
    level_name_fr = rows[0][22]
    letters = {row[13]: LetterFacts(row[13], row[14], row[15]) for row in rows if row[13] is not None}
    terms = {
        row[16]: TermsFacts(row[16], row[17], row[18], Decimal(str(row[19])), row[20], row[21])
        for row in rows if row[16] is not None
    }
    return VerificationFacts(
        status=status, status_label=Assessment.Status(status).label, status_reason=reason, reference=reference,
        title=title, provider=provider, level=level, level_name=level_name, level_name_fr=level_name_fr,
        credits=Decimal(str(credits)),
        transfer_category=category, subject_area=subject, current_from=current_from,
        current_until=current_until, review_due_date=review_due_date,
        letters=tuple(letters[version] for version in sorted(letters)),
        terms=tuple(terms[starts_on] for starts_on in sorted(terms)),
    )


def assessments_by_codes(codes):
    """Entries by canonical verification code with their terms periods, in two queries."""
    return {
        a.verification_code: a
        for a in Assessment.objects.select_related("level__framework", "provider")
        .prefetch_related(terms_periods())
        .filter(verification_code__in=set(codes))
    }


def terms_periods():
    """An entry's terms periods, oldest first, with their levels (a prefetch)."""
    return Prefetch("terms", queryset=AssessmentTerms.objects.select_related("level__framework").order_by("starts_on"))


def letter_by_hash(sha256):
    return Letter.objects.select_related("assessment").filter(sha256=sha256).order_by("-version").first()


def letter_newest(assessment):
    return assessment.letters.order_by("-version").first()


def letter_versions_due(*, due_before):
    """(assessment id, version) of each letter version due before `due_before` and not stored
    yet, oldest first. Only such entries have `letter_due_since` (a partial index holds them),
    so the read costs what is due, not the size of the register."""
    return list(
        Assessment.objects.filter(letter_due_since__lt=due_before)
        .order_by("letter_due_since", "pk")
        .values_list("pk", "letter_version_due")
    )

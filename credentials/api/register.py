"""The register, verification and stacking APIs (docs/api.md, "Register of assessments",
"Verification" and "Stacking and bulk verification"). Thin: scope through selectors, act
through services."""

from django.core.paginator import EmptyPage, Paginator
from django.http import FileResponse, HttpResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import can_read_full_register, is_approver, require
from config.api import JsonOnly, Pagination
from config.errors import Conflict, document_errors

from .. import bulk_verification, selectors, services, stack_export, stacking
from ..letters.keys import trusted_certificates_pem
from ..letters.verify import MAX_LETTER_BYTES
from ..models import Assessment, TransferCategory
from ..permissions import can_download_letters
from ..verification import letter_verify
from .serializers import (
    AssessmentDetailSerializer,
    AssessmentSerializer,
    BulkVerifyUploadSerializer,
    LetterUploadSerializer,
    LetterVerificationSerializer,
    RevokeSerializer,
    StackInputSerializer,
    StackSerializer,
    VerificationSerializer,
    verification_data,
)

REGISTER_FILTERS = [
    OpenApiParameter("q", str, description="Words to find in the title, the provider and the learning outcomes."),
    OpenApiParameter("level", str, description="A level id, e.g. OQF-9."),
    OpenApiParameter("provider", int, description="A provider organisation's id."),
    OpenApiParameter("field_of_study", str, description="An ISCED-F code, e.g. 0613."),
    OpenApiParameter("status", str, enum=Assessment.Status.values),
    OpenApiParameter("transfer_category", str, enum=TransferCategory.values),
]


def register_filter(queryset, params):
    """The contract's filters; a value that cannot match (an unknown status) simply finds nothing.
    A NUL character never gets here: config.errors.ParameterGuardMiddleware answers 400 first."""
    for name, lookup in (("level", "level_id"), ("field_of_study", "field_of_study_id"),
                         ("status", "status"), ("transfer_category", "transfer_category")):
        value = (params.get(name) or "").strip()
        if value:
            queryset = queryset.filter(**{lookup: value})
    provider = (params.get("provider") or "").strip()
    if provider:
        queryset = queryset.filter(provider_id=provider) if selectors.is_possible_id(provider) else queryset.none()
    return selectors.register_search(queryset, params.get("q"))


class RegisterPaginator(Paginator):
    """Pages of the register at a province's scale: the count is exact up to
    selectors.REGISTER_EXACT_COUNT and the planner's estimate above it (`count_is_estimate`),
    in one query; a search's page is ordered best match first."""

    count_is_estimate = False

    @cached_property
    def count(self):
        total, self.count_is_estimate = selectors.register_count(self.object_list)
        return total

    def page(self, number):
        page = super().page(number)
        page.object_list = selectors.register_page_ranked(page.object_list)
        # An estimate may promise pages past the last match: those are past the end too.
        if not page.object_list and page.number > 1:
            raise EmptyPage("That page contains no results")
        return page

    def get_page(self, number):
        """As Django's, for the pages: a page past the end shows the first."""
        try:
            return super().get_page(number)
        except EmptyPage:
            return self.page(1)


class RegisterPagination(Pagination):
    django_paginator_class = RegisterPaginator

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_is_estimate": self.page.paginator.count_is_estimate,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": "true when `count` is the database's estimate (above %d matches), not a count"
                           % selectors.REGISTER_EXACT_COUNT,
        }
        return schema


class AssessmentListView(generics.ListAPIView):
    """The register: the public sees current and expiring entries; providers also their own;
    the agency and registrars every entry, newest first. With `q`, the matches in English or
    French, each page best match first; above 1,000 entries `count` is an estimate
    (`count_is_estimate`)."""

    permission_classes = [AllowAny]
    serializer_class = AssessmentSerializer
    pagination_class = RegisterPagination

    def get_queryset(self):
        return register_filter(selectors.assessments_visible_to(self.request.user), self.request.query_params)

    # 400 for a filter value that is not valid; 404 for a page number past the end.
    @extend_schema(parameters=REGISTER_FILTERS, responses={200: AssessmentSerializer(many=True), **document_errors(400, 404, 429)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AssessmentDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: AssessmentDetailSerializer, **document_errors(404, 429)})
    def get(self, request, reference):
        assessment = selectors.assessment_get(user=request.user, reference=reference)
        return Response(AssessmentDetailSerializer(assessment, context={"request": request}).data)


class AssessmentLetterView(APIView):
    """The newest letter (or `?version=`), as the signed PDF: for the entry's provider,
    registrars and the agency; anyone else gets 404, as for an entry they cannot see."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("version", int, required=False)],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **document_errors(404, 409, 429)},
    )
    def get(self, request, reference):
        assessment = selectors.assessment_get(user=request.user, reference=reference)
        if not can_download_letters(request.user, assessment):
            raise NotFound(_("No such assessment."))
        return letter_response(assessment, request.query_params.get("version"))


def letter_response(assessment, version=None):
    letters = sorted(assessment.letters.all(), key=lambda letter: letter.version)
    if version not in (None, ""):
        letters = [letter for letter in letters if str(letter.version) == str(version)]
        if not letters:
            raise NotFound(_("No such letter version."))
    if not letters:
        raise Conflict(_("The letter is still being produced; try again in a minute."), state="pending")
    letter = letters[-1]
    response = FileResponse(letter.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="%s-v%d.pdf"' % (assessment.reference, letter.version)
    return response


class AssessmentRevokeView(APIView):
    permission_classes = [require(is_approver)]

    @extend_schema(request=RevokeSerializer, responses={200: AssessmentDetailSerializer, **document_errors(400, 401, 403, 404, 409, 415, 429)})
    def post(self, request, reference):
        assessment = selectors.assessment_get(user=request.user, reference=reference)
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.assessment_revoke(actor=request.user, assessment=assessment, reason=serializer.validated_data["reason"])
        assessment = selectors.assessment_get(user=request.user, reference=reference)
        return Response(AssessmentDetailSerializer(assessment, context={"request": request}).data)


class VerifyCodeView(APIView):
    """An entry's status and facts by its verification code; unknown and malformed codes get
    the same 404."""

    permission_classes = [AllowAny]
    # The busiest public endpoint answers JSON only: no browsable page, no Accept parsing.
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnly

    # 405: a "code" that is the name of a sibling upload endpoint (letter, bulk) reaches it.
    @extend_schema(responses={200: VerificationSerializer, **document_errors(404, 405, 429)})
    def get(self, request, code):
        facts = selectors.verification_by_code(code)
        if facts is None:
            raise NotFound(_("No assessment has this verification code."))
        return Response(verification_data(facts))


class VerifyLetterView(APIView):
    """Whether an uploaded file is an authentic letter of the agency, and whether it stands."""

    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": LetterUploadSerializer},
        responses={200: LetterVerificationSerializer, **document_errors(400, 415, 429)},
    )
    def post(self, request):
        serializer = LetterUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size > MAX_LETTER_BYTES:
            return Response({"file": [_("The file is larger than 10 MB; no letter of the agency is.")]}, status=400)
        result = letter_verify(upload.read())
        return Response(LetterVerificationSerializer(result).data)


class VerifyCertificateView(APIView):
    """The agency's signing certificates in PEM: the current one first, then the earlier ones
    whose letters still verify after a key rotation."""

    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "application/x-pem-file"): OpenApiTypes.STR, **document_errors(429)})
    def get(self, request):
        response = HttpResponse(trusted_certificates_pem(), content_type="application/x-pem-file")
        response["Content-Disposition"] = 'inline; filename="agency-certificate.pem"'
        return response


class StackView(APIView):
    """Add up a learner's micro-credentials by verification code (registrars and the agency)."""

    permission_classes = [require(can_read_full_register)]

    @extend_schema(request=StackInputSerializer, responses={200: StackSerializer, **document_errors(400, 401, 403, 415, 429)})
    def post(self, request):
        return Response(StackSerializer(_stack_result(request)).data)


def _stack_result(request):
    serializer = StackInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return stacking.stack_evaluate(serializer.validated_data["items"])


class StackCsvView(APIView):
    """The stacking calculator's result as CSV: one row per item in the order given
    (position, code, completed_on, reference, title, provider, level, credits,
    transfer_category, status, counted, problem, problem_detail)."""

    permission_classes = [require(can_read_full_register)]

    @extend_schema(request=StackInputSerializer,
                   responses={(200, "text/csv"): OpenApiTypes.STR, **document_errors(400, 401, 403, 415, 429)})
    def post(self, request):
        result = _stack_result(request)
        return stack_export.download(stack_export.stack_csv(result), content_type="text/csv; charset=utf-8",
                         filename="stacking.csv")


class StackPdfView(APIView):
    """The stacking calculator's result as a one-page PDF summary to file: the items, their
    status and whether each counts, the totals by level and transfer category, when it was
    run and by whom."""

    permission_classes = [require(can_read_full_register)]

    @extend_schema(request=StackInputSerializer,
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, **document_errors(400, 401, 403, 415, 429)})
    def post(self, request):
        result = _stack_result(request)
        return stack_export.download(stack_export.stack_pdf(result, run_by=request.user), content_type="application/pdf",
                         filename="stacking.pdf")


class BulkVerifyView(APIView):
    """Check a CSV file of verification codes (one a row, a header optional, a `completed_on`
    column optional; at most 1,000 rows, 256 KB) and answer a CSV of results: row, code,
    completed_on, status, reference, title, provider, level, credits, transfer_category,
    problem, problem_detail. A file that is not such a CSV is refused whole (400)."""

    permission_classes = [require(can_read_full_register)]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": BulkVerifyUploadSerializer},
        responses={(200, "text/csv"): OpenApiTypes.STR, **document_errors(400, 401, 403, 415, 429)},
    )
    def post(self, request):
        serializer = BulkVerifyUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # One byte past the limit is enough for codes_from_csv to refuse it, with the reason.
        items = bulk_verification.codes_from_csv(serializer.validated_data["file"].read(bulk_verification.MAX_BYTES + 1))
        results = bulk_verification.bulk_verify(items)
        return stack_export.download(bulk_verification.results_csv(results), content_type="text/csv; charset=utf-8",
                         filename="verification.csv")

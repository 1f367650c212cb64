from django.http import FileResponse, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import is_provider, require
from config.errors import document_errors

from .. import catalogue, file_kinds, selectors, services
from ..completeness import completeness
from ..permissions import can_read_microcredentials
from .serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CatalogueUploadSerializer,
    FieldOfStudySerializer,
    FrameworkSerializer,
    ImportResultSerializer,
    MicroCredentialSerializer,
)


@extend_schema_view(get=extend_schema(responses={200: FrameworkSerializer(many=True), **document_errors(429)}))
class FrameworkListView(generics.ListAPIView):
    """The qualifications frameworks and their levels (public reference data)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    pagination_class = None
    serializer_class = FrameworkSerializer

    def get_queryset(self):
        return selectors.frameworks_with_levels()


@extend_schema_view(get=extend_schema(responses={200: FieldOfStudySerializer(many=True), **document_errors(429)}))
class FieldOfStudyListView(generics.ListAPIView):
    """ISCED-F 2013 detailed fields of study (public reference data)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    pagination_class = None
    serializer_class = FieldOfStudySerializer

    def get_queryset(self):
        return selectors.fields_of_study()


# A page number past the end answers 404 (DRF's pagination).
@extend_schema_view(get=extend_schema(responses={200: MicroCredentialSerializer(many=True),
                                                 **document_errors(401, 403, 404, 429)}))
class MicroCredentialListView(generics.ListCreateAPIView):
    """Providers: their organisation's micro-credentials; the agency: everyone's."""

    serializer_class = MicroCredentialSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [require(is_provider)()]
        return [require(can_read_microcredentials)()]

    def get_queryset(self):
        return selectors.microcredentials_visible_to(self.request.user)

    @extend_schema(responses={201: MicroCredentialSerializer, **document_errors(400, 401, 403, 415, 429)})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        microcredential = services.microcredential_create(actor=request.user, data=serializer.validated_data)
        microcredential = selectors.microcredential_get(user=request.user, pk=microcredential.pk)
        return Response(self.get_serializer(microcredential).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(responses={200: MicroCredentialSerializer, **document_errors(401, 403, 404, 429)}))
class MicroCredentialDetailView(generics.RetrieveUpdateAPIView):
    serializer_class = MicroCredentialSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_permissions(self):
        if self.request.method == "PATCH":
            return [require(is_provider)()]
        return [require(can_read_microcredentials)()]

    def get_object(self):
        return selectors.microcredential_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(responses={200: MicroCredentialSerializer, **document_errors(400, 401, 403, 404, 409, 415, 429)})
    def patch(self, request, *args, **kwargs):
        microcredential = self.get_object()
        serializer = self.get_serializer(microcredential, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.microcredential_update(
            actor=request.user, microcredential=microcredential, data=serializer.validated_data
        )
        microcredential = self.get_object()
        return Response(self.get_serializer(microcredential).data)


class AttachmentCreateView(APIView):
    """Upload a curriculum, assessment sample or evidence file (PDF, DOCX, ODT, PNG, JPEG; ≤ 10 MB)."""

    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [require(is_provider)]

    @extend_schema(
        request=AttachmentUploadSerializer,
        responses={201: AttachmentSerializer, **document_errors(400, 401, 403, 404, 409, 415, 429)},
    )
    def post(self, request, pk):
        microcredential = selectors.microcredential_get(user=request.user, pk=pk)
        data = AttachmentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            actor=request.user,
            microcredential=microcredential,
            kind=data.validated_data["kind"],
            upload=data.validated_data["file"],
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentFileView(APIView):
    """Download an attachment: the provider's own staff and the agency only."""

    permission_classes = [require(can_read_microcredentials)]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(description="The file."),
                              **document_errors(401, 403, 404, 429)})
    def get(self, request, pk, attachment_id):
        attachment = selectors.attachment_get(user=request.user, microcredential_id=pk, pk=attachment_id)
        return attachment_response(attachment)


def attachment_response(attachment):
    # Named by what the file is, whatever name it came with: rows stored before names took
    # the detected extension get it here (FileResponse writes the header safely).
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=file_kinds.display_name(attachment.original_name, file_kinds.extension_for(attachment.content_type)),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


class CatalogueImportView(APIView):
    """Import many micro-credentials from a CSV or JSON file: all rows, or none with a report."""

    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [require(is_provider)]

    @extend_schema(
        request=CatalogueUploadSerializer,
        responses={201: ImportResultSerializer, **document_errors(400, 401, 403, 415, 429)},
    )
    def post(self, request):
        data = CatalogueUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = catalogue.import_catalogue(
            actor=request.user, provider=request.user.organisation, upload=data.validated_data["file"]
        )
        return Response(
            {"created": len(created), "microcredentials": import_summary(created)},
            status=status.HTTP_201_CREATED,
        )


def import_summary(created):
    return [{"id": m.pk, "title": m.title, "completeness": completeness(m)} for m in created]


class CatalogueTemplateView(APIView):
    """The CSV template for a catalogue import: the contract's column names and one example."""

    permission_classes = [require(is_provider)]

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(description="CSV template."),
                              **document_errors(401, 403, 429)})
    def get(self, request):
        return catalogue_template_response()


def catalogue_template_response():
    response = HttpResponse(catalogue.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="microcredential-catalogue-template.csv"'
    return response

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import is_agency_staff, is_provider, require
from config.errors import document_errors
from credentials import selectors as credential_selectors
from credentials.selectors import MAX_ID

from .. import selectors, services
from ..models import Application
from .serializers import ApplicationCreateSerializer, ApplicationSerializer


def provider_or_agency(user):
    return is_provider(user) or is_agency_staff(user)


class ApplicationFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Application.State.choices)
    kind = django_filters.ChoiceFilter(choices=Application.Kind.choices)
    provider = django_filters.NumberFilter(field_name="provider_id", min_value=1, max_value=MAX_ID)

    class Meta:
        model = Application
        fields = ["state", "kind", "provider"]


# 400 for a filter value that is not valid; 404 for a page number past the end.
@extend_schema_view(get=extend_schema(responses={200: ApplicationSerializer(many=True),
                                                 **document_errors(400, 401, 403, 404, 429)}))
class ApplicationListView(generics.ListAPIView):
    """Providers: their organisation's applications; the agency: everyone's."""

    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["submitted_at", "created_at"]

    def get_permissions(self):
        if self.request.method == "POST":
            return [require(is_provider)()]
        return [require(provider_or_agency)()]

    def get_queryset(self):
        return selectors.applications_visible_to(self.request.user)

    @extend_schema(
        request=ApplicationCreateSerializer,
        responses={201: ApplicationSerializer, **document_errors(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request):
        data = ApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        microcredential = credential_selectors.microcredential_get(
            user=request.user, pk=data.validated_data["microcredential"]
        )
        application = services.application_create(actor=request.user, microcredential=microcredential)
        application = selectors.application_get(user=request.user, pk=application.pk)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(responses={200: ApplicationSerializer, **document_errors(401, 403, 404, 429)}))
class ApplicationDetailView(generics.RetrieveAPIView):
    serializer_class = ApplicationSerializer
    permission_classes = [require(provider_or_agency)]

    def get_object(self):
        return selectors.application_get(user=self.request.user, pk=self.kwargs["pk"])


class ApplicationSubmitView(APIView):
    """Submit a draft: refused with `missing_required` while a required element is missing."""

    permission_classes = [require(is_provider)]

    @extend_schema(request=None, responses={200: ApplicationSerializer, **document_errors(400, 401, 403, 404, 409, 429)})
    def post(self, request, pk):
        application = selectors.application_get(user=request.user, pk=pk)
        services.application_submit(actor=request.user, application=application)
        application = selectors.application_get(user=request.user, pk=pk)
        return Response(ApplicationSerializer(application).data)

import django_filters
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import is_agency_staff, is_approver, is_assessor, is_provider, require
from config.errors import Conflict, document_errors
from credentials import selectors as credential_selectors
from credentials.selectors import MAX_ID

from .. import clock, selectors, services
from ..models import Application
from ..permissions import can_read_applications
from .serializers import (
    AgencyApplicationSerializer,
    ApplicationCreateSerializer,
    ApplicationSerializer,
    AssignSerializer,
    CommentSerializer,
    MessageSerializer,
    RecommendSerializer,
    SignOffSerializer,
    SubmitSerializer,
    WithdrawSerializer,
)


def serializer_for(user):
    return AgencyApplicationSerializer if is_agency_staff(user) else ApplicationSerializer


class ApplicationFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Application.State.choices)
    kind = django_filters.ChoiceFilter(choices=Application.Kind.choices)
    provider = django_filters.NumberFilter(field_name="provider_id", min_value=1, max_value=MAX_ID)
    sla_status = django_filters.ChoiceFilter(choices=[(s, s) for s in clock.STATUSES])
    assigned_to = django_filters.CharFilter(
        method="filter_assigned_to", help_text="`me`, `none`, or a user id."
    )

    class Meta:
        model = Application
        fields = ["state", "kind", "provider", "sla_status", "assigned_to"]

    def filter_assigned_to(self, queryset, name, value):
        value = value.strip().lower()
        if value == "me":
            return queryset.filter(assigned_to=self.request.user)
        if value == "none":
            return queryset.filter(assigned_to__isnull=True)
        if value.isdigit() and 0 < int(value) <= MAX_ID:
            return queryset.filter(assigned_to_id=int(value))
        raise ValidationError({"assigned_to": [_("Give me, none, or a user id.")]})


class ApplicationListView(generics.ListAPIView):
    """Providers: their organisation's applications; the agency: everyone's."""

    filterset_class = ApplicationFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["sla_due_date", "submitted_at", "created_at"]

    def get_serializer_class(self):
        return serializer_for(self.request.user)

    def get_permissions(self):
        if self.request.method == "POST":
            return [require(is_provider)()]
        return [require(can_read_applications)()]

    def get_queryset(self):
        return selectors.applications_visible_to(self.request.user)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Pages stay stable under any `ordering`: ties break by id.
        if queryset.query.order_by:
            queryset = queryset.order_by(*queryset.query.order_by, "id")
        return queryset

    # 400 for a filter value that is not valid; 404 for a page number past the end.
    @extend_schema(
        parameters=[OpenApiParameter("ordering", str, enum=["sla_due_date", "-sla_due_date", "submitted_at", "-submitted_at"])],
        responses={200: ApplicationSerializer(many=True), **document_errors(400, 401, 403, 404, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ApplicationCreateSerializer,
        responses={201: ApplicationSerializer, **document_errors(400, 401, 403, 404, 409, 415, 429)},
    )
    def post(self, request):
        data = ApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        microcredential = credential_selectors.microcredential_get(
            user=request.user, pk=data.validated_data["microcredential"]
        )
        application = services.application_create(actor=request.user, microcredential=microcredential)
        application = selectors.application_get(user=request.user, pk=application.pk)
        return Response(ApplicationSerializer(application, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(responses={200: ApplicationSerializer, **document_errors(401, 403, 404, 429)}))
class ApplicationDetailView(generics.RetrieveAPIView):
    serializer_class = ApplicationSerializer
    permission_classes = [require(can_read_applications)]

    def get_serializer_class(self):
        return serializer_for(self.request.user)

    def get_object(self):
        return selectors.application_get(user=self.request.user, pk=self.kwargs["pk"])


class DecisionLetterView(APIView):
    """The signed decision letter of a declined case, as a PDF: for its provider and the
    agency only (it is never in the register). 409 while it is being produced; 404 when the
    case was not declined."""

    permission_classes = [require(can_read_applications)]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, **document_errors(401, 403, 404, 409, 429)})
    def get(self, request, pk):
        application = selectors.application_get(user=request.user, pk=pk)
        if application.state != Application.State.DECLINED:
            raise NotFound(_("Only a declined case has a decision letter."))
        letter = getattr(application, "decision_letter", None)  # none yet: not declined, or being produced
        if letter is None:
            raise Conflict(_("The decision letter is still being produced; try again in a minute."), state="pending")
        response = FileResponse(letter.file.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="%s-decision.pdf"' % application.reference
        return response


# 415 when the body is not JSON, a form or multipart (or cannot be parsed as what it claims).
ACTION_ERRORS = document_errors(400, 401, 403, 404, 409, 415, 429)


class ApplicationActionViewSet(viewsets.GenericViewSet):
    """The case's transitions, one action each: find the case among those visible to the
    caller (foreign → 404), check the role (403), validate the body (400), call the service
    (which answers 409 with the state when the action is not open), answer the case."""

    queryset = Application.objects.none()
    serializer_class = ApplicationSerializer
    # Each action narrows this with its role; the services check the rest.
    permission_classes = [require(can_read_applications)]

    def _run(self, request, pk, service, body=None, **kwargs):
        application = selectors.application_get(user=request.user, pk=pk)
        if body is not None:
            data = body(data=request.data)
            data.is_valid(raise_exception=True)
            kwargs.update(data.validated_data)
        service(actor=request.user, application=application, **kwargs)
        application = selectors.application_get(user=request.user, pk=pk)
        return Response(serializer_for(request.user)(application, context={"request": request}).data)

    @extend_schema(request=SubmitSerializer, responses={200: ApplicationSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[require(is_provider)])
    def submit(self, request, pk):
        """Submit a draft: refused with `missing_required` while a required element is missing.
        A review case takes `declaration` (`continue`, `change`, `discontinue`) and `summary`."""
        return self._run(request, pk, services.application_submit, SubmitSerializer)

    @extend_schema(request=WithdrawSerializer, responses={200: ApplicationSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[require(is_provider)])
    def withdraw(self, request, pk):
        return self._run(request, pk, services.application_withdraw, WithdrawSerializer)

    @extend_schema(request=None, responses={200: ApplicationSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[require(is_assessor)])
    def claim(self, request, pk):
        """Take an unassigned submitted case; already assigned → 409."""
        return self._run(request, pk, services.application_claim)

    @extend_schema(request=AssignSerializer, responses={200: ApplicationSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[require(is_approver)])
    def assign(self, request, pk):
        return self._run(request, pk, services.application_assign, AssignSerializer)

    @extend_schema(request=MessageSerializer, responses={200: ApplicationSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], url_path="request-info", permission_classes=[require(is_assessor)])
    def request_info(self, request, pk):
        """The assigned assessor asks the provider; the clock pauses."""
        return self._run(request, pk, services.application_request_info, MessageSerializer)

    @extend_schema(request=MessageSerializer, responses={200: ApplicationSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[require(is_provider)])
    def respond(self, request, pk):
        """The provider answers; the clock runs again."""
        return self._run(request, pk, services.application_respond, MessageSerializer)

    @extend_schema(request=RecommendSerializer, responses={200: ApplicationSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[require(is_assessor)])
    def recommend(self, request, pk):
        application = selectors.application_get(user=request.user, pk=pk)
        data = RecommendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.application_recommend(actor=request.user, application=application, data=data.validated_data)
        application = selectors.application_get(user=request.user, pk=pk)
        return Response(serializer_for(request.user)(application, context={"request": request}).data)

    @extend_schema(request=CommentSerializer, responses={200: ApplicationSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], url_path="return", permission_classes=[require(is_approver)])
    def return_(self, request, pk):
        """An approver sends the recommendation back to the assessor."""
        return self._run(request, pk, services.application_return, CommentSerializer)

    @extend_schema(request=SignOffSerializer, responses={200: ApplicationSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], url_path="sign-off", permission_classes=[require(is_approver)])
    def sign_off(self, request, pk):
        """An approver who did not recommend makes the recommendation the decision; the recommender → 403."""
        return self._run(request, pk, services.application_sign_off, SignOffSerializer)

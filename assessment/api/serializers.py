from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from credentials.api.serializers import MicroCredentialSerializer, ProviderSerializer
from credentials.models import Assessment, TransferCategory

from .. import clock
from ..calendar import agency_calendar
from ..models import Application, ApplicationEvent, InformationRequest, InternalNote, Recommendation
from ..permissions import can_read_event_message, can_see_recommendation


class ApplicationCreateSerializer(serializers.Serializer):
    microcredential = serializers.IntegerField(
        error_messages={"invalid": gettext_lazy("Give the id of one of your micro-credentials as a number.")}
    )


# The actions' bodies (docs/api.md, "Applications"). The services check the rules; these
# only turn JSON into values and name the field that is wrong.
class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class AssignSerializer(serializers.Serializer):
    assessor = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(max_length=5000)


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=20000)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5000)


class SubmitSerializer(serializers.Serializer):
    """An initial application submits with `{}`; a review case declares what happens next."""

    declaration = serializers.ChoiceField(choices=Application.Declaration.choices, required=False)
    summary = serializers.CharField(max_length=20000, required=False)


class SignOffSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class RecommendSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Recommendation.Outcome.choices)
    level = serializers.CharField(max_length=20, required=False)
    credits = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False,
        min_value=Decimal(str(settings.CREDITS_MIN)), max_value=Decimal(str(settings.CREDITS_MAX)),
    )
    transfer_category = serializers.ChoiceField(choices=TransferCategory.choices, required=False)
    subject_area = serializers.CharField(max_length=200, required=False)
    rationale = serializers.CharField(max_length=20000, required=False)
    reasons = serializers.CharField(max_length=20000, required=False)
    review_period_months = serializers.ChoiceField(
        choices=[months for months, _ in Assessment.REVIEW_PERIOD_CHOICES], required=False, default=12
    )

    def validate(self, data):
        if data["outcome"] == Recommendation.Outcome.APPROVE:
            required = ["level", "credits", "transfer_category", "subject_area", "rationale"]
        else:
            required = ["reasons"]
        missing = {name: [_("Required when the outcome is %s.") % data["outcome"]] for name in required if name not in data}
        if missing:
            raise serializers.ValidationError(missing)
        return data


class NoteCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000)


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    message = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationEvent
        fields = ["at", "actor", "action", "from_state", "to_state", "message"]

    def get_actor(self, event) -> str | None:
        return event.actor.get_full_name() if event.actor_id else None

    def get_message(self, event) -> str:
        request = self.context.get("request")
        return event.message_display() if request is not None and can_read_event_message(request.user, event) else ""


class SlaSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=clock.STATUSES)
    due_date = serializers.DateField(allow_null=True)
    business_days_used = serializers.IntegerField()
    business_days_remaining = serializers.IntegerField()
    target_business_days = serializers.IntegerField()


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField(source="get_full_name")


class RecommendationSerializer(serializers.ModelSerializer):
    level = serializers.CharField(source="level_id", allow_null=True)
    credits = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True)
    recommended_by = PersonSerializer()

    class Meta:
        model = Recommendation
        fields = ["outcome", "level", "credits", "transfer_category", "subject_area", "rationale", "reasons",
                  "review_period_months", "recommended_by", "recommended_at"]


class AssessmentRefSerializer(serializers.Serializer):
    reference = serializers.CharField()
    verification_code = serializers.CharField()


class ReviewSerializer(serializers.Serializer):
    """A review case's period: which one, when it is due and lapses, and what the provider declared."""

    cycle = serializers.IntegerField(source="review_cycle")
    due_date = serializers.DateField(source="reviewed_assessment.review_due_date")
    lapses_on = serializers.SerializerMethodField()
    declaration = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)

    def get_lapses_on(self, application) -> str:
        from ..review import lapses_on

        return lapses_on(application.reviewed_assessment.review_due_date).isoformat()


class InformationRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = InformationRequest
        fields = ["requested_at", "requested_on", "message", "responded_at", "responded_on", "response"]


class InternalNoteSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_full_name")

    class Meta:
        model = InternalNote
        fields = ["at", "author", "text"]


class ApplicationSerializer(serializers.ModelSerializer):
    """The contract's case shape, plus `information_requests`. The recommendation shows to
    the provider once it is the decision (signed off), never while it may still be returned."""

    microcredential = MicroCredentialSerializer(read_only=True)
    provider = ProviderSerializer(read_only=True)
    assigned_to = PersonSerializer(read_only=True, allow_null=True)
    sla = serializers.SerializerMethodField()
    recommendation = serializers.SerializerMethodField()
    # For a review case, the entry under review from the moment the case opens (docs/api.md).
    assessment = AssessmentRefSerializer(source="register_entry", read_only=True, allow_null=True)
    review = serializers.SerializerMethodField()
    events = EventSerializer(many=True, read_only=True)
    information_requests = InformationRequestSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = ["id", "reference", "kind", "state", "microcredential", "provider", "assigned_to",
                  "submitted_at", "decided_at", "sla", "recommendation", "assessment", "review", "events",
                  "information_requests", "created_at"]

    def _clock_inputs(self):
        # One calendar and one "today" for a whole page of cases.
        inputs = self.context.get("_clock")
        if inputs is None:
            inputs = (clock.agency_date(timezone.now()), agency_calendar())
            self.context["_clock"] = inputs
        return inputs

    @extend_schema_field(SlaSerializer)
    def get_sla(self, application):
        today, calendar = self._clock_inputs()
        state = application.clock_on(today=today, calendar=calendar)
        return {
            "status": state.status,
            "due_date": state.due_date,
            "business_days_used": state.business_days_used,
            "business_days_remaining": state.business_days_remaining,
            "target_business_days": state.target_business_days,
        }

    @extend_schema_field(ReviewSerializer(allow_null=True))
    def get_review(self, application):
        return ReviewSerializer(application).data if application.is_review else None

    @extend_schema_field(RecommendationSerializer(allow_null=True))
    def get_recommendation(self, application):
        recommendation = application.current_recommendation
        if recommendation is None:
            return None
        if not can_see_recommendation(getattr(self.context.get("request"), "user", None), recommendation):
            return None
        return RecommendationSerializer(recommendation).data


class AgencyApplicationSerializer(ApplicationSerializer):
    """What agency staff read: the case plus its internal notes (never sent to a provider)."""

    internal_notes = InternalNoteSerializer(many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "internal_notes"]

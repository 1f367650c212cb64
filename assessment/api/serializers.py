from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from credentials.api.serializers import MicroCredentialSerializer, ProviderSerializer

from ..models import Application, ApplicationEvent


class ApplicationCreateSerializer(serializers.Serializer):
    microcredential = serializers.IntegerField(
        error_messages={"invalid": "Give the id of one of your micro-credentials as a number."}
    )


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationEvent
        fields = ["at", "actor", "action", "from_state", "to_state", "message"]

    def get_actor(self, event) -> str | None:
        return event.actor.get_full_name() if event.actor_id else None


class SlaSerializer(serializers.Serializer):
    status = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    business_days_used = serializers.IntegerField(allow_null=True)
    business_days_remaining = serializers.IntegerField(allow_null=True)
    target_business_days = serializers.IntegerField()


class ApplicationSerializer(serializers.ModelSerializer):
    """The contract's case shape. Assignment, the clock, the recommendation and the
    assessment arrive with the rest of the workflow; until then they answer null."""

    microcredential = MicroCredentialSerializer(read_only=True)
    provider = ProviderSerializer(read_only=True)
    assigned_to = serializers.SerializerMethodField()
    decided_at = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField()
    recommendation = serializers.SerializerMethodField()
    assessment = serializers.SerializerMethodField()
    events = EventSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = ["id", "reference", "kind", "state", "microcredential", "provider", "assigned_to",
                  "submitted_at", "decided_at", "sla", "recommendation", "assessment", "events", "created_at"]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_assigned_to(self, application):
        return None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_decided_at(self, application):
        return None

    @extend_schema_field(SlaSerializer)
    def get_sla(self, application):
        started = application.state != Application.State.DRAFT
        return {
            "status": "not_started" if not started else "on_track",
            "due_date": None,
            "business_days_used": None,
            "business_days_remaining": None,
            "target_business_days": 10,
        }

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_recommendation(self, application):
        return None

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_assessment(self, application):
        return None

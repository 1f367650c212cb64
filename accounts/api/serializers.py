from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Organisation, User


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind"]


class MeSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer()

    class Meta:
        model = User
        fields = ["id", "email", "name", "role", "language", "organisation"]


class MeUpdateSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=User.Language.choices, help_text=_("The language of your pages and emails."))


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False, allow_blank=True, max_length=12,
        help_text=_("The current 6-digit code of the account's authenticator app: required for agency staff "
                    "and for anyone who has set one up."),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Shown once: the agency keeps only its digest."))
    expires_at = serializers.DateTimeField()

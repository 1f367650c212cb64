from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from ..completeness import RECOMMENDED, REQUIRED, completeness
from ..languages import localized
from ..models import Attachment, FieldOfStudy, Framework, Level, MicroCredential
from ..permissions import can_download_letters, can_see_verification_code
from ..selectors import field_of_study_codes, level_ids

CONTRACT_FIELDS = REQUIRED + RECOMMENDED


# Reference names answer in the request's language (Accept-Language: fr), under the contract's
# field names; the French falls back to the English where none is stored (languages.py).
class LevelSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="localized_name", read_only=True)
    description = serializers.CharField(source="localized_description", read_only=True)

    class Meta:
        model = Level
        fields = ["id", "number", "name", "description"]


class FrameworkSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="localized_name", read_only=True)
    levels = LevelSerializer(many=True)

    class Meta:
        model = Framework
        fields = ["code", "name", "is_default", "levels"]


class FieldOfStudySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="localized_name", read_only=True)

    class Meta:
        model = FieldOfStudy
        fields = ["code", "name"]


class ReferenceCodeField(serializers.CharField):
    """A level id or ISCED-F code, checked against the reference data loaded once per
    serializer tree (so validating a 5,000-row catalogue costs two queries, not 10,000)."""

    def __init__(self, *, load, unknown, **kwargs):
        self.load = load
        self.unknown = unknown
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        # CharField answers a blank string before to_internal_value sees it; blank means "not
        # given yet" (a draft may be incomplete), never a reference id of "".
        return super().run_validation(data) or None

    def to_internal_value(self, data):
        value = super().to_internal_value(data).strip()
        if not value:
            return None
        cache = self.root.__dict__.setdefault("_reference_cache", {})
        known = cache.get(self.load)
        if known is None:
            known = cache[self.load] = self.load()
        if value not in known:
            raise serializers.ValidationError(self.unknown % value)
        return value

    def to_representation(self, value):
        return value


class ProviderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CompletenessSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=100)
    missing_required = serializers.ListField(child=serializers.CharField())
    missing_recommended = serializers.ListField(child=serializers.CharField())
    problems = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at", "url"]

    def get_url(self, attachment) -> str:
        return reverse(
            "api-microcredential-attachment-file",
            kwargs={"pk": attachment.microcredential_id, "attachment_id": attachment.pk},
        )


class MicroCredentialSerializer(serializers.ModelSerializer):
    """The contract's fields; the model's validators apply, so every surface refuses alike."""

    proposed_level = ReferenceCodeField(
        source="proposed_level_id",
        load=level_ids,
        unknown=gettext_lazy('"%s" is not a level we know. Use a level id such as "OQF-10" (see /api/v1/frameworks/).'),
    )
    field_of_study = ReferenceCodeField(
        source="field_of_study_id",
        load=field_of_study_codes,
        unknown=gettext_lazy('"%s" is not an ISCED-F 2013 detailed field code. Use a four-digit code such as "0413" '
        "(see /api/v1/fields-of-study/)."),
    )
    provider = ProviderSerializer(read_only=True)
    completeness = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    locked = serializers.BooleanField(source="is_locked", read_only=True)

    class Meta:
        model = MicroCredential
        fields = ["id", *CONTRACT_FIELDS, "provider", "completeness", "attachments", "locked",
                  "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "learner_effort_hours": {"coerce_to_string": False},
            "contact_hours": {"coerce_to_string": False},
            "proposed_credits": {"coerce_to_string": False},
            "price_cad": {"coerce_to_string": False},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Clients may send null for any element they have not written yet.
        for field in self.fields.values():
            if isinstance(field, serializers.CharField | serializers.JSONField) and not field.read_only:
                field.allow_null = True

    def get_completeness(self, microcredential) -> CompletenessSerializer:
        return completeness(microcredential)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices)


class CatalogueUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class RowProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    field = serializers.CharField(allow_null=True)
    problem = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    microcredentials = serializers.ListField(child=serializers.DictField())


class LetterVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    issued_at = serializers.DateTimeField()
    sha256 = serializers.CharField()


class LetterLinkSerializer(LetterVersionSerializer):
    """A letter version; `url` is null for those who may not download it
    (permissions.can_download_letters), who still get the hash to verify a file against."""

    url = serializers.SerializerMethodField()

    def get_url(self, letter) -> str | None:
        request = self.context.get("request")
        if not can_download_letters(request.user if request else None, letter.assessment):
            return None
        path = reverse("api-assessment-letter", args=[letter.assessment.reference]) + "?version=%d" % letter.version
        return request.build_absolute_uri(path)


class TermsPeriodSerializer(serializers.Serializer):
    """One period of an entry's terms; `until` is null for the open one."""

    until = serializers.DateField(source="ends_on", allow_null=True, help_text=gettext_lazy("The last day, included."))
    level = serializers.CharField(source="level_id")
    credits = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    transfer_category = serializers.CharField()
    subject_area = serializers.CharField()

    def get_fields(self):
        # "from" is a Python keyword, so it cannot be declared as a class attribute.
        return {"from": serializers.DateField(source="starts_on", help_text="The first day."), **super().get_fields()}


class AssessmentSerializer(serializers.Serializer):
    """A register entry as the contract names it. `verification_code` is null for those who
    may not read it (see permissions.can_see_verification_code)."""

    reference = serializers.CharField()
    verification_code = serializers.SerializerMethodField()
    status = serializers.CharField()
    title = serializers.CharField()
    title_fr = serializers.CharField(help_text="The French title the provider gave; empty when none.")
    provider = serializers.SerializerMethodField()
    level = serializers.CharField(source="level_id")
    level_name = serializers.CharField(source="level.localized_name")
    credits = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    transfer_category = serializers.CharField()
    subject_area = serializers.CharField()
    field_of_study = serializers.CharField(source="field_of_study_id", allow_null=True)
    current_from = serializers.DateField()
    current_until = serializers.DateField(allow_null=True)
    review_due_date = serializers.DateField()
    status_reason = serializers.SerializerMethodField()
    letters = LetterLinkSerializer(many=True)

    def get_verification_code(self, assessment) -> str | None:
        request = self.context.get("request")
        user = request.user if request else None
        return assessment.verification_code if can_see_verification_code(user, assessment) else None

    def get_provider(self, assessment) -> dict:
        return {"id": assessment.provider_id, "name": assessment.provider.name}

    def get_status_reason(self, assessment) -> str | None:
        # Why it was revoked is public: a registrar who meets the letter needs to know.
        return assessment.status_reason or None


class AssessmentDetailSerializer(AssessmentSerializer):
    """A register entry on its own: also every period of its terms, oldest first (the list
    leaves them out, so a page of entries costs no query for them)."""

    terms = TermsPeriodSerializer(many=True)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class VerificationSerializer(serializers.Serializer):
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    reference = serializers.CharField()
    title = serializers.CharField()
    provider = serializers.CharField(source="provider.name")
    level = serializers.CharField(source="level_id")
    level_name = serializers.CharField(source="level.localized_name")
    credits = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    transfer_category = serializers.CharField()
    subject_area = serializers.CharField()
    current_from = serializers.DateField()
    current_until = serializers.DateField(allow_null=True)
    review_due_date = serializers.DateField()
    status_reason = serializers.SerializerMethodField(
        help_text=gettext_lazy("Why the agency revoked the entry (or otherwise ended it), when it said.")
    )
    letters = LetterVersionSerializer(many=True)
    terms = TermsPeriodSerializer(many=True)

    def get_status_reason(self, assessment) -> str | None:
        return assessment.status_reason or None


def verification_data(facts) -> dict:
    """VerificationSerializer's output for selectors.VerificationFacts, written out: the
    public verification endpoint is the most requested of all, and a DRF serializer costs
    more per call than the query behind it. tests/credentials pins the two to the same output."""
    return {
        "status": facts.status,
        "status_label": facts.status_label,
        "reference": facts.reference,
        "title": facts.title,
        "provider": facts.provider,
        "level": facts.level,
        "level_name": localized(facts, "level_name"),
        "credits": float(facts.credits),
        "transfer_category": facts.transfer_category,
        "subject_area": facts.subject_area,
        "current_from": facts.current_from.isoformat(),
        "current_until": facts.current_until.isoformat() if facts.current_until else None,
        "review_due_date": facts.review_due_date.isoformat(),
        "status_reason": facts.status_reason or None,
        "letters": [
            {"version": letter.version, "issued_at": _timestamp(letter.issued_at), "sha256": letter.sha256}
            for letter in facts.letters
        ],
        "terms": [
            {"from": period.starts_on.isoformat(), "until": period.ends_on.isoformat() if period.ends_on else None,
             "level": period.level, "credits": float(period.credits), "transfer_category": period.transfer_category,
             "subject_area": period.subject_area}
            for period in facts.terms
        ],
    }


def _timestamp(value):
    return serializers.DateTimeField().to_representation(value)


class LetterUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)


class BulkVerifyUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text=gettext_lazy("A CSV file of verification codes, UTF-8."))


class LetterVerificationSerializer(serializers.Serializer):
    authentic = serializers.BooleanField()
    signature_valid = serializers.BooleanField()
    reference = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    superseded = serializers.BooleanField()
    problem = serializers.CharField(allow_null=True, help_text=gettext_lazy("Why the file is not authentic, in plain words."))


class StackItemInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=100, allow_blank=True)
    completed_on = serializers.DateField(required=False, allow_null=True)


class StackInputSerializer(serializers.Serializer):
    items = StackItemInputSerializer(many=True, allow_empty=False, max_length=200)


class StackItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    completed_on = serializers.DateField(allow_null=True)
    reference = serializers.CharField(source="assessment.reference", allow_null=True, default=None)
    title = serializers.CharField(source="assessment.title", allow_null=True, default=None)
    provider = serializers.CharField(source="assessment.provider.name", allow_null=True, default=None)
    # The terms the item counts at: its completion date's period, else the current terms.
    level = serializers.CharField(source="terms.level_id", allow_null=True, default=None)
    credits = serializers.DecimalField(
        source="terms.credits", max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True, default=None
    )
    transfer_category = serializers.CharField(source="terms.transfer_category", allow_null=True, default=None)
    status = serializers.CharField(source="assessment.status", allow_null=True, default=None)
    counted = serializers.BooleanField()
    problem = serializers.ChoiceField(
        choices=["unknown", "repeated", "revoked", "completed_outside_current_dates", "completed_outside_terms",
                 "not_current"],
        allow_null=True,
    )
    problem_text = serializers.CharField(allow_null=True)


class StackSerializer(serializers.Serializer):
    items = StackItemSerializer(many=True)
    total_credits = serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False)
    by_level = serializers.DictField(child=serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False))
    by_transfer_category = serializers.DictField(
        child=serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False)
    )


class CredentialChecksSerializer(serializers.Serializer):
    proof = serializers.BooleanField()
    issuer = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["ok", "revoked", "unknown"])
    validity = serializers.BooleanField()


class CredentialVerificationSerializer(serializers.Serializer):
    """POST /verify/credential/: `verified` only when every check passes; `problems` says in a
    sentence why each failed check failed (the contract's fields, and this one more)."""

    verified = serializers.BooleanField()
    checks = serializers.SerializerMethodField()
    reference = serializers.CharField(allow_null=True)
    problems = serializers.DictField(child=serializers.CharField())

    def get_checks(self, result) -> CredentialChecksSerializer:
        return CredentialChecksSerializer(result).data

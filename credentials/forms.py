"""The provider's page forms. They only parse what was typed (text → lists, numbers, dates);
the rules are the model's, applied by the services, and their messages land on the fields."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.forms import OntarioFormMixin

from .completeness import LABELS, RECOMMENDED, REQUIRED
from .models import ASSESSMENT_TYPE_LABELS, Attachment, MicroCredential
from .selectors import fields_of_study, frameworks_with_levels

FIELD_TEMPLATE = "credentials/field.html"


class LinesField(forms.CharField):
    """A list typed one item per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value


class CodesField(forms.CharField):
    """A list typed as codes separated by commas or spaces ("en, fr")."""

    def to_python(self, value):
        return [code.strip().lower() for code in (value or "").replace(",", " ").split() if code.strip()]

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value


def _level_choices():
    groups = [("", _("Choose a level"))]
    for framework in frameworks_with_levels():
        groups.append((framework.localized_name,
                       [(level.id, "%s – %s" % (level.id, level.localized_name)) for level in framework.levels.all()]))
    return groups


def _field_choices():
    return [("", _("Choose a field of study"))] + [(f.code, "%s – %s" % (f.code, f.localized_name)) for f in fields_of_study()]


class MicroCredentialForm(OntarioFormMixin, forms.Form):
    title = forms.CharField(max_length=300, help_text=gettext_lazy("What a learner will see. Do not call it a degree, diploma, bachelor, master or doctor."))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), help_text=gettext_lazy("What the micro-credential covers."))
    learning_outcomes = LinesField(help_text=gettext_lazy("One per line: what a learner will be able to do, e.g. \"Build a dashboard that answers a business question\"."))
    learner_effort_hours = forms.DecimalField(
        label=gettext_lazy("Learner effort (hours)"), decimal_places=1, max_digits=7,
        help_text=gettext_lazy("Notional learning hours: all study, not only contact time. 10 hours is 1 credit."),
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "class": "ontario-input ontario-input--5-char-width"}),
    )
    proposed_level = forms.ChoiceField(help_text=gettext_lazy("The Ontario Qualifications Framework is the agency's default."))
    proposed_credits = forms.DecimalField(
        decimal_places=1, max_digits=4, help_text=gettext_lazy("In steps of 0.5, between 0.5 and 40."),
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "class": "ontario-input ontario-input--5-char-width"}),
    )
    field_of_study = forms.ChoiceField(help_text=gettext_lazy("The ISCED-F 2013 detailed field."))
    assessment_types = forms.MultipleChoiceField(
        choices=list(ASSESSMENT_TYPE_LABELS.items()), widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Choose every way learners are assessed."),
    )
    assessment_description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text=gettext_lazy("Weights and the grading scale, e.g. \"Project 70%, quiz 30%; pass at 60%\"."),
    )
    delivery_mode = forms.ChoiceField(choices=MicroCredential.DeliveryMode.choices, widget=forms.RadioSelect)
    languages = CodesField(
        label=gettext_lazy("Languages of instruction"),
        help_text=gettext_lazy("Two-letter ISO 639-1 codes separated by commas, e.g. \"en, fr\"."),
    )
    prerequisites = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text=gettext_lazy("Write \"none\" if there are none."))
    quality_assurance = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text=gettext_lazy("Your internal process for reviewing this micro-credential."))
    evidence_of_need = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text=gettext_lazy("From employers, industry or the community."))

    # The French version (recommended): French pages and the register show it where given.
    # `lang` tells screen readers and spell checkers what is typed (WCAG 3.1.2).
    title_fr = forms.CharField(
        max_length=300, widget=forms.TextInput(attrs={"lang": "fr"}),
        help_text=gettext_lazy("The title in French. The same rule applies: do not call it a diplôme, baccalauréat, "
                               "maîtrise or doctorat."),
    )
    description_fr = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "lang": "fr"}),
        help_text=gettext_lazy("What the micro-credential covers, in French."),
    )
    learning_outcomes_fr = LinesField(
        widget=forms.Textarea(attrs={"rows": 4, "lang": "fr"}),
        help_text=gettext_lazy("One per line, in French."),
    )
    contact_hours = forms.DecimalField(
        decimal_places=1, max_digits=7,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "class": "ontario-input ontario-input--5-char-width"}),
    )
    skills = LinesField(label=gettext_lazy("Skills and competencies"), help_text=gettext_lazy("One per line."))
    stackability = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text=gettext_lazy("What it stacks into, if anything."))
    industry_partners = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    professional_recognition = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    identity_verification = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text=gettext_lazy("How you check who sits the assessment."))
    price_cad = forms.DecimalField(
        label=gettext_lazy("Price (CAD)"), decimal_places=2, max_digits=9,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "class": "ontario-input ontario-input--10-char-width"}),
    )
    url = forms.URLField(label=gettext_lazy("Web page"), max_length=500, assume_scheme="https")
    starts_on = forms.DateField(label=gettext_lazy("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=gettext_lazy("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    credential_expiry = forms.CharField(max_length=200, help_text=gettext_lazy("How long the credential stays valid, e.g. \"3 years\" or \"does not expire\"."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_level"].choices = _level_choices()
        self.fields["field_of_study"].choices = _field_choices()
        for name, field in self.fields.items():
            # A draft may be saved with anything missing; completeness says what is needed.
            field.required = False
            field.label = field.label if name in ("languages", "skills") else LABELS[name]
            field.template_name = FIELD_TEMPLATE
            field.completeness = "required" if name in REQUIRED else "recommended"

    @classmethod
    def initial_from(cls, microcredential):
        initial = {}
        for name in REQUIRED + RECOMMENDED:
            attribute = {"proposed_level": "proposed_level_id", "field_of_study": "field_of_study_id"}.get(name, name)
            value = getattr(microcredential, attribute)
            if isinstance(value, Decimal) and value == value.to_integral_value():
                value = int(value)  # "40", not "40.0"
            initial[name] = value
        return initial

    def data_for_service(self):
        """What was typed, as the service takes it; empty choices become None."""
        data = {}
        for name, value in self.cleaned_data.items():
            if name in ("proposed_level", "field_of_study", "delivery_mode") and not value:
                value = None if name != "delivery_mode" else ""
            data[name] = value
        return data

    def required_fields(self):
        return [self[name] for name in REQUIRED]

    def recommended_fields(self):
        return [self[name] for name in RECOMMENDED]


class AttachmentForm(OntarioFormMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What is this file?"), choices=Attachment.Kind.choices)
    file = forms.FileField(
        label=gettext_lazy("File"), help_text=gettext_lazy("PDF, DOCX, ODT, PNG or JPEG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"class": "ontario-input", "accept": ".pdf,.docx,.odt,.png,.jpg,.jpeg"}),
    )


class CatalogueForm(OntarioFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Catalogue file"), help_text=gettext_lazy("A CSV (UTF-8) or JSON file whose columns are the template's field names."),
        widget=forms.ClearableFileInput(attrs={"class": "ontario-input", "accept": ".csv,.json,text/csv,application/json"}),
    )

"""The case page's forms: each the body of one action, validated before its service runs."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from config.forms import OntarioFormMixin
from credentials.models import Assessment, Level, TransferCategory

from .models import Application, Recommendation


class ReasonForm(OntarioFormMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why are you withdrawing?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class RequestInfoForm(OntarioFormMixin, forms.Form):
    message = forms.CharField(
        label=gettext_lazy("What should the provider send or explain?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000,
        help_text=gettext_lazy("The clock pauses until the provider answers; they may edit the description meanwhile."),
    )


class RespondForm(OntarioFormMixin, forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000,
        help_text=gettext_lazy("Edit the micro-credential first if the agency asked for changes; it is frozen again once you answer."),
    )


class ReviewSubmitForm(OntarioFormMixin, forms.Form):
    """The provider's periodic review: what happens to the micro-credential next."""

    declaration = forms.ChoiceField(
        choices=[
            (Application.Declaration.CONTINUE, gettext_lazy("It continues unchanged")),
            (Application.Declaration.CHANGE, gettext_lazy("It continues with changes (edit the description first)")),
            (Application.Declaration.DISCONTINUE, gettext_lazy("It is discontinued: no new enrolments")),
        ],
        widget=forms.RadioSelect, label=gettext_lazy("What happens to this micro-credential?"),
        help_text=lazy(lambda: _(
            "A discontinued micro-credential stays honoured for %d months, then it is marked discontinued.")
            % settings.DISCONTINUE_HONOURED_MONTHS, str)(),
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary of the year"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000,
        help_text=gettext_lazy("What changed and why, or confirm that it is taught and assessed as the agency assessed it."),
    )


class ReturnForm(OntarioFormMixin, forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("What should the assessor reconsider?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class SignOffForm(OntarioFormMixin, forms.Form):
    comment = forms.CharField(label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=5000,
                              help_text=gettext_lazy("For the agency's record: the provider gets the decision, not this comment."))


class NoteForm(OntarioFormMixin, forms.Form):
    text = forms.CharField(label=gettext_lazy("Internal note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=20000,
                           help_text=gettext_lazy("Seen by agency staff only, never by the provider."))


class AssignForm(OntarioFormMixin, forms.Form):
    assessor = forms.ModelChoiceField(
        queryset=User.objects.filter(role__in=[User.Role.ASSESSOR, User.Role.APPROVER], is_active=True).order_by("name"),
        label=gettext_lazy("Assessor"),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=5000,
                             help_text=gettext_lazy("Agency staff only: the provider sees who has the case, not why."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].label_from_instance = lambda user: "%s (%s)" % (user.get_full_name(), user.get_role_display())


class RecommendForm(OntarioFormMixin, forms.Form):
    outcome = forms.ChoiceField(choices=Recommendation.Outcome.choices, widget=forms.RadioSelect, label=gettext_lazy("Outcome"))
    level = forms.ModelChoiceField(
        queryset=Level.objects.select_related("framework").order_by("framework__code", "number"), required=False,
        label=gettext_lazy("Level"),
    )
    credits = forms.DecimalField(
        required=False, max_digits=4, decimal_places=1, min_value=Decimal(str(settings.CREDITS_MIN)),
        max_value=Decimal(str(settings.CREDITS_MAX)), step_size=Decimal("0.5"), label=gettext_lazy("Credits"), help_text=gettext_lazy("1 credit = 10 notional learning hours, in steps of 0.5."),
    )
    transfer_category = forms.ChoiceField(choices=[("", "Choose…"), *TransferCategory.choices], required=False)
    subject_area = forms.CharField(required=False, max_length=200)
    rationale = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)
    review_period_months = forms.TypedChoiceField(
        choices=Assessment.REVIEW_PERIOD_CHOICES, coerce=int, initial=12, label=gettext_lazy("Review period"),
    )
    reasons = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=20000,
                              label=gettext_lazy("Reasons for declining"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Required by the outcome, not always: the label says which (templates/forms/field.html).
        for name in ("level", "credits", "transfer_category", "subject_area", "rationale"):
            self.fields[name].flag = "required to approve"
        self.fields["reasons"].flag = "required to decline"

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Recommendation.Outcome.APPROVE:
            for name in ("level", "credits", "transfer_category", "subject_area", "rationale"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Required for an approval."))
        elif data.get("outcome") == Recommendation.Outcome.DECLINE and not data.get("reasons"):
            self.add_error("reasons", _("Give the reasons for declining."))
        return data

    def service_data(self):
        data = dict(self.cleaned_data)
        data["level"] = data["level"].pk if data.get("level") else None
        return data

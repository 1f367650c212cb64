"""Forms of the register, verification and stacking pages."""

import datetime as dt

from django import forms
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.forms import OntarioFormMixin

from .bulk_verification import MAX_BYTES as BULK_MAX_BYTES
from .bulk_verification import MAX_ROWS as BULK_MAX_ROWS
from .letters.verify import MAX_LETTER_BYTES
from .models import Assessment, Level, TransferCategory
from .vc.verify import NotACredential, credential_parse

# Far above any credential of the agency (a few kilobytes), far below the request limit.
MAX_CREDENTIAL_BYTES = 256 * 1024


def _with_any(choices, label="Any"):
    return [("", label), *choices]


class RegisterSearchForm(OntarioFormMixin, forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200,
                        help_text=gettext_lazy("Words from the title, the provider or the learning outcomes."))
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False)
    transfer_category = forms.ChoiceField(label=gettext_lazy("Transfer category"), required=False,
                                          choices=_with_any(TransferCategory.choices))
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args, full_register=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = _with_any(
            [(level.id, "%s – %s" % (level.id, level.localized_name)) for level in Level.objects.select_related("framework")]
        )
        statuses = Assessment.Status.choices if full_register else [
            (s.value, s.label) for s in Assessment.PUBLIC_STATUSES
        ]
        self.fields["status"].choices = _with_any(statuses)


class VerifyCodeForm(OntarioFormMixin, forms.Form):
    code = forms.CharField(label=gettext_lazy("Verification code"), max_length=40,
                           help_text=gettext_lazy("16 letters and digits, as printed on the letter, e.g. K7QF-3MZP-9WXA-C2HD."))


class VerifyLetterForm(OntarioFormMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("Letter (PDF)"), help_text=gettext_lazy("The PDF exactly as the learner received it; up to 10 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_LETTER_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB; no letter of the agency is."))
        return upload


class VerifyCredentialForm(OntarioFormMixin, forms.Form):
    """A verifiable credential, pasted or uploaded (a chosen file wins over pasted text, which
    the page keeps after each check); `document` once valid."""

    credential = forms.CharField(
        label=gettext_lazy("Credential (JSON)"), required=False, max_length=MAX_CREDENTIAL_BYTES, strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=gettext_lazy("Paste the credential as you received it, from { to }."))
    credential_file = forms.FileField(label=gettext_lazy("or a credential file (.json)"), required=False,
                                      help_text=gettext_lazy("Up to 256 KB."))

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("credential") or "", cleaned.get("credential_file")
        if not text.strip() and upload is None:
            raise forms.ValidationError(_("Paste a credential or choose its file."))
        if upload is not None:
            if upload.size > MAX_CREDENTIAL_BYTES:
                raise forms.ValidationError(_("The file is larger than 256 KB; no credential of the agency is."))
            text = upload.read()
        try:
            cleaned["document"] = credential_parse(text)
        except NotACredential as exc:
            raise forms.ValidationError(str(exc)) from None
        return cleaned


class StackForm(OntarioFormMixin, forms.Form):
    codes = forms.CharField(
        label=gettext_lazy("Verification codes"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
        help_text=gettext_lazy("One per line. Add the date the learner completed it after the code "
                  "(YYYY-MM-DD) to check it was current then."),
        max_length=20000,
    )

    def clean_codes(self):
        items = []
        for number, line in enumerate(self.cleaned_data["codes"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            code, completed_on = line, None
            parts = line.replace(",", " ").replace(";", " ").split()
            if len(parts) > 1:
                try:
                    completed_on = dt.date.fromisoformat(parts[-1])
                    code = " ".join(parts[:-1])
                except ValueError:
                    # Codes may be typed in groups separated by spaces; the whole line is the code.
                    pass
            items.append({"code": code, "completed_on": completed_on, "line": number})
        if not items:
            raise forms.ValidationError(_("Enter at least one verification code."))
        if len(items) > 200:
            raise forms.ValidationError(_("Enter at most 200 codes at a time."))
        return items


class BulkVerifyForm(OntarioFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file of verification codes"), required=False,
        help_text=lazy(lambda: _(
            "One code a row, in the first column or under a “code” header; a completion date "
            "(YYYY-MM-DD) may follow each code. Up to %s rows.") % number_format(BULK_MAX_ROWS, force_grouping=True), str)(),
    )
    # The rows of a file already checked, sent back to download its results as CSV.
    codes = forms.CharField(required=False, widget=forms.HiddenInput, max_length=BULK_MAX_BYTES)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None and not cleaned.get("codes"):
            self.add_error("file", _("Choose a CSV file of verification codes."))
        return cleaned

    def content(self) -> bytes:
        """What to read: the file (one byte past the limit is enough for codes_from_csv to
        refuse it, with the reason) or the rows sent back."""
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return upload.read(BULK_MAX_BYTES + 1)
        return self.cleaned_data["codes"].encode()

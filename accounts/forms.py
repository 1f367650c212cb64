from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from config.client_address import client_address
from config.forms import OntarioFormMixin

from .lockout import AttemptRefused, SignInAttempt
from .models import User, canonical_email
from .second_factor import code_cleaned


class SignInForm(OntarioFormMixin, auth_forms.AuthenticationForm):
    """The password step. Each attempt passes the lockout first (accounts/lockout.py): a refused
    one never reaches the password check."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": _("The email or password is not correct. Check them and try again."),
        "inactive": _("This account has been deactivated. Contact the agency."),
    }

    attempt = None
    # Why the attempt was refused before the password was checked (lockout.AttemptRefused).
    refusal = None

    def clean(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not (email and password):
            return super().clean()
        self.attempt = SignInAttempt(account=email, address=client_address(self.request))
        try:
            self.attempt.begin()
        except AttemptRefused as exc:
            self.refusal = exc
            raise ValidationError(exc.message, code="refused") from exc
        try:
            return super().clean()
        except ValidationError:
            self.attempt.failed()
            raise


class LanguageForm(OntarioFormMixin, forms.Form):
    """The language of a person's pages and emails (accounts/language.py)."""

    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices, widget=forms.RadioSelect)


class CodeForm(OntarioFormMixin, forms.Form):
    """A code from an authenticator app."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("6 digits. A new code appears every 30 seconds."),
        max_length=12,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "class": "ontario-input ontario-input--10-char-width",
        }),
    )

    def clean_code(self):
        code = code_cleaned(self.cleaned_data["code"])
        if len(code) != 6 or not code.isdigit():
            raise ValidationError(_("Enter the 6 digits your authenticator app shows."), code="format")
        return code


class PasswordResetForm(OntarioFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email):
        # The account sign-in would find (canonical_email), not Django's case-insensitive match
        # (NFKC and casefold make "jeſſica@…" the account "jessica@…").
        return (
            user for user in User.objects.filter(email=canonical_email(email), is_active=True)
            if user.has_usable_password()
        )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        # In the account's language, whichever language the page was in; the link is to the
        # page in that language (its templates reverse the URL under it).
        with translation.override(context["user"].language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class SetPasswordForm(OntarioFormMixin, auth_forms.SetPasswordForm):
    pass

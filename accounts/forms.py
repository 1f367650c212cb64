from django import forms
from django.contrib.auth.forms import AuthenticationForm

from config.forms import OntarioFormMixin


class SignInForm(OntarioFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": "The email or password is not correct. Check them and try again.",
        "inactive": "This account has been deactivated. Contact the agency.",
    }

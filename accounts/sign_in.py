"""Signing in on the pages: the password, then (for agency staff and anyone enrolled) a code from
an authenticator app, or for staff without one the enrolment, and only then `login()`.

Between the steps the person is *half signed in*: the session holds who they are and until when
(SIGN_IN_STEP_SECONDS), not a login. So a session that reaches any other page has passed both
factors, and nothing else needs to check (no OTPMiddleware, no per-view verification).
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from config.client_address import client_address
from config.errors import with_retry_after

from . import second_factor
from .forms import CodeForm, SignInForm
from .lockout import AttemptRefused, SignInAttempt

STEP_SESSION_KEY = "sign_in_step"


def refused_answer(response, refusal):
    """A page that shows an attempt refused by the lockout: its status (429 locked, 503 counters
    unreachable) and Retry-After."""
    response.status_code = refusal.status_code
    return with_retry_after(response, refusal)


class SignInView(auth_views.LoginView):
    """The password step. A refused attempt (lockout) answers 429, or 503 while the lockout
    cannot count, with the form and the reason."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    # FormView would also take PUT as a POST; a browser's sign-in only ever posts.
    http_method_names = ["get", "post", "head", "options"]

    def form_invalid(self, form):
        response = self.render_to_response(self.get_context_data(form=form))
        return response if form.refusal is None else refused_answer(response, form.refusal)

    def form_valid(self, form):
        user = form.get_user()
        if not second_factor.second_factor_required(user):
            form.attempt.succeeded()
            return super().form_valid(form)
        # The password was right; the second step is counted on its own.
        form.attempt.passed()
        step_start(self.request, user=user, next_url=self.get_redirect_url())
        if second_factor.confirmed_device(user) is None:
            return redirect("accounts:sign-in-enrol")
        return redirect("accounts:sign-in-code")


def step_start(request, *, user, next_url):
    request.session.cycle_key()
    request.session[STEP_SESSION_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        # A password change meanwhile ends the half sign-in, as it ends sessions.
        "hash": user.get_session_auth_hash(),
        "until": time.time() + settings.SIGN_IN_STEP_SECONDS,
        "next": next_url or "",
    }


def _step(request):
    """(the half-signed-in user, the step's record), or (None, None) when there is none or it
    expired."""
    step = request.session.get(STEP_SESSION_KEY)
    if not step:
        return None, None
    user = get_user_model().objects.filter(pk=step["user"], is_active=True).first()
    if step["until"] < time.time() or user is None or not constant_time_compare(
        step["hash"], user.get_session_auth_hash()
    ):
        del request.session[STEP_SESSION_KEY]
        return None, None
    return user, step


def _step_finish(request, user, step):
    del request.session[STEP_SESSION_KEY]
    login(request, user, backend=step["backend"])
    target = step["next"]
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = resolve_url(settings.LOGIN_REDIRECT_URL)
    return redirect(target)


@method_decorator(never_cache, name="dispatch")
class _StepView(View):
    """A step after the password: only for a half-signed-in session; anyone else starts over."""

    template_name = None
    http_method_names = ["get", "post", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request)
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        self.user, self.step = _step(request)
        if self.user is None:
            messages.info(request, _("Sign in with your email and password first."))
            return redirect("accounts:login")
        return self.elsewhere() or super().dispatch(request, *args, **kwargs)

    def elsewhere(self):
        """A response when this step is not the one the person is at."""
        return None

    def get(self, request):
        return self.render(CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        attempt = SignInAttempt(account=self.user.email, address=client_address(request))
        try:
            attempt.begin()
        except AttemptRefused as exc:
            form.add_error(None, ValidationError(exc.message, code="refused"))
            return refused_answer(self.render(form), exc)
        if not self.code_accepted(form.cleaned_data["code"]):
            attempt.failed()
            form.add_error("code", _("This code is not correct, or it was already used. Wait for the next code and try again."))
            return self.render(form)
        attempt.succeeded()
        return _step_finish(request, self.user, self.step)

    def code_accepted(self, code):
        raise NotImplementedError

    def context(self):
        return {}

    def render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form, "person": self.user, **self.context()}, status=status)


class SecondFactorStepView(_StepView):
    """The code from the account's authenticator app."""

    template_name = "accounts/sign_in_code.html"

    def elsewhere(self):
        # The device was removed meanwhile (by an administrator): staff enrol again.
        if second_factor.confirmed_device(self.user) is None:
            return redirect("accounts:sign-in-enrol")
        return None

    def code_accepted(self, code):
        return second_factor.totp_verify(user=self.user, code=code)


class EnrolmentStepView(_StepView):
    """Agency staff without a device set one up before they are signed in: the QR code and the
    secret, confirmed by a first code."""

    template_name = "accounts/sign_in_enrol.html"

    def elsewhere(self):
        # Enrolled meanwhile (another tab): the code step is the way on.
        if second_factor.confirmed_device(self.user) is not None:
            return redirect("accounts:sign-in-code")
        return None

    def code_accepted(self, code):
        return second_factor.totp_enrolment_confirm(user=self.user, device_id=self.step.get("device"), code=code)

    def context(self):
        # The device lives as long as this half sign-in: a new password step makes a new secret.
        device = second_factor.totp_enrolment_start(user=self.user, device_id=self.step.get("device"))
        if self.step.get("device") != device.pk:
            self.step["device"] = device.pk
            self.request.session[STEP_SESSION_KEY] = self.step
        return {"qr_code": second_factor.qr_code_svg(device), "secret": second_factor.secret_base32(device)}

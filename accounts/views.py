from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.client_address import client_address

from . import permissions, second_factor, services
from .forms import CodeForm, LanguageForm, PasswordResetForm, SetPasswordForm
from .language import path_in
from .lockout import PASSWORD_RESET, AttemptRefused, SignInAttempt, account_failures_clear
from .sign_in import refused_answer


class SignOutView(auth_views.LogoutView):
    pass


@require_safe
def home(request):
    """The start page: a welcome for visitors, each role's own start page once signed in."""
    user = request.user
    if permissions.is_provider(user):
        template = "accounts/start_provider.html"
    elif permissions.is_approver(user):
        template = "accounts/start_approver.html"
    elif permissions.is_assessor(user):
        template = "accounts/start_assessor.html"
    elif permissions.is_registrar(user):
        template = "accounts/start_registrar.html"
    elif permissions.is_admin(user):
        template = "accounts/start_admin.html"
    else:
        template = "accounts/start_public.html"
    return render(request, template)


# The device this session's enrolment shows on the account page.
ENROLMENT_SESSION_KEY = "second_factor_enrolment"


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def security(request):
    """Your account's second factor: whether it is set up and, if not, setting it up."""
    user = request.user
    device = second_factor.confirmed_device(user)
    form = CodeForm(request.POST or None) if device is None else None
    pending_id = request.session.get(ENROLMENT_SESSION_KEY)
    if form is not None and request.method == "POST" and form.is_valid():
        if second_factor.totp_enrolment_confirm(user=user, device_id=pending_id, code=form.cleaned_data["code"]):
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            messages.success(request, _("Your authenticator app is set up. From now on you sign in with a code from it."))
            return redirect("accounts:security")
        form.add_error("code", _("This code is not correct. Check the app shows the agency's entry, wait for the next code and try again."))
    context = {"device": device, "form": form, "mandatory": permissions.second_factor_mandatory(user),
               "language_form": LanguageForm(initial={"language": user.language})}
    if device is None:
        pending = second_factor.totp_enrolment_start(user=user, device_id=pending_id)
        request.session[ENROLMENT_SESSION_KEY] = pending.pk
        context.update(qr_code=second_factor.qr_code_svg(pending), secret=second_factor.secret_base32(pending))
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def account_language(request):
    """Keep the language of the person's pages and emails; the account page then opens in it."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose English or French."))
        return redirect("accounts:security")
    language = form.cleaned_data["language"]
    services.user_language_set(user=request.user, language=language)
    with translation.override(language):
        # Translators: written in the language just chosen, which it names.
        messages.success(request, _("Your pages and emails are now in English."))
    return redirect(path_in(reverse("accounts:security"), language))


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by email. Requests are counted per client address and per account
    (accounts/lockout.py) so the form cannot be used to flood an inbox."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    subject_template_name = "emails/password_reset_subject.txt"
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    success_url = reverse_lazy("accounts:password-reset-sent")
    http_method_names = ["get", "post", "head", "options"]

    def form_valid(self, form):
        attempt = SignInAttempt(
            account=form.cleaned_data["email"], address=client_address(self.request), scope=PASSWORD_RESET
        )
        try:
            attempt.begin()
        except AttemptRefused as exc:
            form.add_error(None, ValidationError(exc.message, code="refused"))
            return refused_answer(self.render_to_response(self.get_context_data(form=form)), exc)
        # Every request counts, whether or not the account exists: the limit is on emails.
        attempt.failed()
        # The link is built from SITE_URL, never from the request's Host header.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the email: a new password, once. It does not sign the person in (the
    second factor is asked at sign-in); the account's API tokens die with the old password
    (User.save), its failed sign-ins are forgotten and an unfinished enrolment of a second
    factor ends (its secret may have been shown to whoever had the old password)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")
    post_reset_login = False
    http_method_names = ["get", "post", "head", "options"]

    def dispatch(self, *args, **kwargs):
        # Django's view answers a link that is not valid before it looks at the method.
        if self.request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(self.request)
        return super().dispatch(*args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        account_failures_clear(email=form.user.email)
        second_factor.totp_enrolment_cancel(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import permissions
from .forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    # FormView would also take PUT as a POST; a browser's sign-in only ever posts.
    http_method_names = ["get", "post", "head", "options"]


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

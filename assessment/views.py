"""The provider's application pages (the agency sees them read-only until the queue lands)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import is_agency_staff, is_provider
from config.errors import DomainError, NotPermitted
from credentials import selectors as credential_selectors
from credentials.completeness import LABELS, completeness

from . import selectors, services


def _require_reader(user):
    if not (is_provider(user) or is_agency_staff(user)):
        raise NotPermitted("Applications are open to their provider and to the agency.")


def _require_provider(user):
    if not is_provider(user):
        raise NotPermitted("Only the provider's own staff may do this.")


@login_required
@require_safe
def application_list(request):
    _require_reader(request.user)
    page = Paginator(selectors.applications_visible_to(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "assessment/list.html", {"page": page})


@login_required
@require_safe
def application_detail(request, pk):
    _require_reader(request.user)
    application = selectors.application_get(user=request.user, pk=pk)
    result = completeness(application.microcredential)
    return render(request, "assessment/detail.html", {
        "application": application,
        "completeness": {
            **result,
            "missing_required": [{"name": n, "label": LABELS[n]} for n in result["missing_required"]],
            "missing_recommended": [{"name": n, "label": LABELS[n]} for n in result["missing_recommended"]],
        },
        "can_submit": is_provider(request.user) and application.is_draft,
    })


@login_required
@require_POST
def application_create(request):
    _require_provider(request.user)
    try:
        microcredential_id = int(request.POST.get("microcredential", ""))
    except ValueError:
        raise DomainError("Choose one of your micro-credentials to apply for.") from None
    microcredential = credential_selectors.microcredential_get(user=request.user, pk=microcredential_id)
    application = services.application_create(actor=request.user, microcredential=microcredential)
    messages.success(request, "Your draft application is ready. Check it and submit it to the agency.")
    return redirect("applications:detail", pk=application.pk)


@login_required
@require_POST
def application_submit(request, pk):
    _require_provider(request.user)
    application = selectors.application_get(user=request.user, pk=pk)
    try:
        application = services.application_submit(actor=request.user, application=application)
    except DomainError as error:
        if error.status_code != 400:
            raise
        messages.error(request, error.message)
        return redirect("applications:detail", pk=pk)
    messages.success(
        request, "Submitted. Your reference is %s; the agency aims to decide within ten business days."
        % application.reference,
    )
    return redirect("applications:detail", pk=pk)

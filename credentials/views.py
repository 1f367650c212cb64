"""The provider's pages for micro-credentials (the agency sees the same pages read-only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import is_provider
from config.errors import NotPermitted

from . import catalogue, selectors, services
from .api.views import attachment_response, catalogue_template_response
from .completeness import LABELS, completeness
from .forms import AttachmentForm, CatalogueForm, MicroCredentialForm
from .models import MicroCredential
from .permissions import can_read_microcredentials


def _require_reader(user):
    if not can_read_microcredentials(user):
        raise NotPermitted(_("Micro-credentials are open to their provider and to the agency."))


def _require_provider(user):
    if not is_provider(user):
        raise NotPermitted(_("Only a provider's staff may change micro-credentials; the agency reads them."))


def _detail_context(request, microcredential, attachment_form):
    # The cases about it are assessment's panel (templatetags/microcredential_cases.py).
    return {
        "microcredential": microcredential,
        "completeness": _with_labels(completeness(microcredential)),
        "attachment_form": attachment_form,
        "can_edit": is_provider(request.user) and not microcredential.is_locked,
    }


def _with_labels(result):
    return {
        **result,
        "missing_required": [{"name": n, "label": LABELS[n]} for n in result["missing_required"]],
        "missing_recommended": [{"name": n, "label": LABELS[n]} for n in result["missing_recommended"]],
        # The title rule covers both titles: the label says which one.
        "problems": [{**p, "label": LABELS[p["field"]]} for p in result["problems"]],
    }


@login_required
@require_safe
def microcredential_list(request):
    _require_reader(request.user)
    page = Paginator(selectors.microcredentials_visible_to(request.user), 25).get_page(request.GET.get("page"))
    rows = [(m, completeness(m)) for m in page.object_list]
    return render(request, "credentials/list.html", {"page": page, "rows": rows})


@login_required
@require_safe
def microcredential_detail(request, pk):
    _require_reader(request.user)
    microcredential = selectors.microcredential_get(user=request.user, pk=pk)
    return render(request, "credentials/detail.html", _detail_context(request, microcredential, AttachmentForm()))


def _save(request, form, microcredential=None):
    """Store the form through the service; the model's rules come back as field errors."""
    try:
        if microcredential is None:
            return services.microcredential_create(actor=request.user, data=form.data_for_service())
        return services.microcredential_update(
            actor=request.user, microcredential=microcredential, data=form.data_for_service()
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def microcredential_create(request):
    _require_provider(request.user)
    form = MicroCredentialForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        microcredential = _save(request, form)
        if microcredential is not None:
            messages.success(request, _("Saved. Add files, or apply for assessment when every required element is there."))
            return redirect("credentials:detail", pk=microcredential.pk)
    return render(request, "credentials/form.html", {
        "form": form, "completeness": _with_labels(completeness(_preview(form))),
    })


@login_required
@require_http_methods(["GET", "POST"])
def microcredential_edit(request, pk):
    _require_provider(request.user)
    microcredential = selectors.microcredential_get(user=request.user, pk=pk)
    if microcredential.is_locked:
        messages.error(request, _("This micro-credential cannot be changed while the agency is assessing it."))
        return redirect("credentials:detail", pk=pk)
    form = MicroCredentialForm(request.POST if request.method == "POST" else None, initial=MicroCredentialForm.initial_from(microcredential))
    if request.method == "POST" and form.is_valid():
        if _save(request, form, microcredential) is not None:
            messages.success(request, _("Your changes are saved."))
            return redirect("credentials:detail", pk=pk)
    shown = _preview(form) if form.is_bound else microcredential
    return render(request, "credentials/form.html", {
        "form": form, "microcredential": microcredential, "completeness": _with_labels(completeness(shown)),
    })


def _preview(form):
    """An unsaved micro-credential from whatever the form holds that parsed, for the meter."""
    preview = MicroCredential()
    if form.is_bound:
        form.is_valid()
        data = {k: v for k, v in form.data_for_service().items() if k not in form.errors}
        services.microcredential_fields_set(preview, data)
    return preview


@login_required
@require_POST
def completeness_preview(request):
    """The live meter asks here as the provider types: the same rules as everywhere else."""
    _require_provider(request.user)
    return JsonResponse(_with_labels(completeness(_preview(MicroCredentialForm(request.POST)))))


@login_required
@require_POST
def attachment_upload(request, pk):
    _require_provider(request.user)
    microcredential = selectors.microcredential_get(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                actor=request.user, microcredential=microcredential,
                kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The file is attached."))
            return redirect("credentials:detail", pk=pk)
    return render(request, "credentials/detail.html", _detail_context(request, microcredential, form), status=400)


@login_required
@require_safe
def attachment_download(request, pk, attachment_id):
    _require_reader(request.user)
    return attachment_response(selectors.attachment_get(user=request.user, microcredential_id=pk, pk=attachment_id))


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_import(request):
    _require_provider(request.user)
    form = CatalogueForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    report, created = None, None
    if request.method == "POST" and form.is_valid():
        try:
            created = catalogue.import_catalogue(
                actor=request.user, provider=request.user.organisation, upload=form.cleaned_data["file"]
            )
        except services.CatalogueRejected as rejected:
            report = {"message": rejected.message, "errors": [
                {**e, "label": LABELS.get(e["field"], e["field"])} for e in rejected.extra.get("errors", [])
            ]}
    rows = [(m, _with_labels(completeness(m))) for m in created] if created else None
    return render(request, "credentials/import.html", {"form": form, "report": report, "rows": rows},
                  status=400 if report else 200)


@login_required
@require_safe
def catalogue_template(request):
    _require_provider(request.user)
    return catalogue_template_response()

"""Pages of the register, verification and the stacking calculator. The register and
verification are public; stacking is for registrars and the agency."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import can_read_full_register, is_approver
from config.api import AnonThrottle
from config.errors import NotPermitted

from . import bulk_verification, selectors, services, stack_export, stacking
from .api.register import RegisterPaginator, register_filter
from .codes import verification_code_normalise
from .history import assessment_history_for
from .letters.keys import SigningKeyUnavailable, certificate_fingerprint, earlier_certificates
from .permissions import can_download_letters, can_see_verification_code
from .register_forms import (
    BulkVerifyForm,
    RegisterSearchForm,
    StackForm,
    VerifyCodeForm,
    VerifyCredentialForm,
    VerifyLetterForm,
)
from .vc.verify import credential_verify
from .verification import letter_verify

PAGE_SIZE = 25


def _throttled(request):
    """Verification pages share the API's anonymous rate (and its cache), so the page is no
    way around the limit."""
    if request.user.is_authenticated:
        return None
    throttle = AnonThrottle()
    if throttle.allow_request(request, None):
        return None
    return render(request, "register/throttled.html", status=429)


@require_safe
def register_list(request):
    full = can_read_full_register(request.user)
    form = RegisterSearchForm(request.GET or None, full_register=full)
    params = form.cleaned_data if form.is_valid() else {}
    queryset = register_filter(selectors.assessments_visible_to(request.user), params)
    page = RegisterPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "register/list.html", {
        "form": form, "page": page, "full_register": full, "searched": bool(params.get("q")),
        "query": query.urlencode(),
    })


@require_safe
def register_detail(request, reference):
    assessment = selectors.assessment_get(user=request.user, reference=reference)
    return render(request, "register/detail.html", {
        "assessment": assessment,
        "letters": list(assessment.letters.all()),
        "show_code": can_see_verification_code(request.user, assessment),
        "can_download": can_download_letters(request.user, assessment),
        "can_revoke": is_approver(request.user) and assessment.status not in ("revoked", "superseded"),
        "history": assessment_history_for(user=request.user, assessment=assessment),
    })


@login_required
@require_POST
def register_revoke(request, reference):
    if not is_approver(request.user):
        raise NotPermitted(_("Only an approver may revoke an assessment."))
    assessment = selectors.assessment_get(user=request.user, reference=reference)
    try:
        services.assessment_revoke(actor=request.user, assessment=assessment, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("register:detail", reference=assessment.reference)
    messages.success(request, _("The assessment is revoked. The register and verification show it at once."))
    return redirect("register:detail", reference=assessment.reference)


def _fingerprints():
    """What the pages' certificate section shows: the current certificate's fingerprint and
    those of the earlier certificates still trusted after a key rotation."""
    try:
        current = certificate_fingerprint()
    except SigningKeyUnavailable:
        return {"fingerprint": None, "earlier_fingerprints": []}
    try:
        earlier = [certificate_fingerprint(certificate) for certificate in earlier_certificates()]
    except SigningKeyUnavailable:
        earlier = []
    return {"fingerprint": current, "earlier_fingerprints": earlier}


@require_http_methods(["GET", "POST"])
def verify(request):
    """Type a code (GET, goes to the code's page), upload a letter (POST) or paste or upload a
    verifiable credential (POST with `check=credential`)."""
    code_form = VerifyCodeForm(request.GET if "code" in request.GET else None)
    checks_credential = request.method == "POST" and request.POST.get("check") == "credential"
    posted = (request.POST, request.FILES) if request.method == "POST" else ()
    letter_form = VerifyLetterForm(*(() if checks_credential else posted))
    credential_form = VerifyCredentialForm(*(posted if checks_credential else ()))
    result = credential_result = None
    status = 200
    if code_form.is_bound and code_form.is_valid():
        canonical = verification_code_normalise(code_form.cleaned_data["code"])
        return redirect("register:verify-code", code=canonical or code_form.cleaned_data["code"].strip())
    if request.method == "POST":
        limited = _throttled(request)
        if limited:
            return limited
        form = credential_form if checks_credential else letter_form
        if not form.is_valid():
            status = 400
        elif checks_credential:
            credential_result = credential_verify(form.cleaned_data["document"])
        else:
            result = letter_verify(form.cleaned_data["file"].read())
    return render(request, "register/verify.html", {
        "code_form": code_form, "letter_form": letter_form, "credential_form": credential_form,
        "result": result, "credential_result": credential_result,
        **_fingerprints(),
    }, status=status)


@require_safe
def verify_code(request, code):
    limited = _throttled(request)
    if limited:
        return limited
    assessment = selectors.assessment_by_code(code)
    return render(request, "register/verify_code.html", {
        "assessment": assessment, "code": code, "code_form": VerifyCodeForm(initial={"code": code}),
        "letter_form": VerifyLetterForm(), "credential_form": VerifyCredentialForm(),
        **_fingerprints(),
    }, status=200 if assessment else 404)


def stack_download(stack, export, user):
    """The calculator's result as a CSV or the PDF summary (None for any other `export`)."""
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    if export == "csv":
        return stack_export.download(stack_export.stack_csv(stack), content_type="text/csv; charset=utf-8",
                        filename="stacking-%s.csv" % stamp)
    if export == "pdf":
        return stack_export.download(stack_export.stack_pdf(stack, run_by=user), content_type="application/pdf",
                        filename="stacking-%s.pdf" % stamp)
    return None


def bulk_results_download(results):
    return stack_export.download(bulk_verification.results_csv(results), content_type="text/csv; charset=utf-8",
                    filename="verification-%s.csv" % timezone.localtime().strftime("%Y-%m-%d-%H%M"))


@login_required
@require_http_methods(["GET", "POST"])
def stack(request):
    """The calculator; the same POST with `export` (csv or pdf) downloads the result."""
    if not can_read_full_register(request.user):
        raise NotPermitted(_("The stacking calculator is for registrars and the agency."))
    form = StackForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = stacking.stack_evaluate(form.cleaned_data["codes"])
        exported = stack_download(result, request.POST.get("export"), request.user)
        if exported is not None:
            return exported
    return render(request, "register/stack.html", {"form": form, "result": result, "bulk_form": BulkVerifyForm()},
                  status=400 if form.is_bound and not form.is_valid() else 200)


@login_required
@require_POST
def bulk_verify(request):
    """Check a CSV file of codes: the results on the page, or (with `export=csv`) as a CSV."""
    if not can_read_full_register(request.user):
        raise NotPermitted(_("Bulk verification is for registrars and the agency."))
    form = BulkVerifyForm(request.POST, request.FILES)
    results = items = None
    if form.is_valid():
        try:
            items = bulk_verification.codes_from_csv(form.content())
        except bulk_verification.BulkFileRejected as rejected:
            form.add_error("file", rejected.message)
        else:
            results = bulk_verification.bulk_verify(items)
            if request.POST.get("export") == "csv":
                return bulk_results_download(results)
    return render(request, "register/stack.html", {
        "form": StackForm(), "bulk_form": form, "bulk_results": results,
        "bulk_codes": bulk_verification.items_csv(items) if items else "",
        "bulk_problems": sum(1 for result in results or () if result.problem),
    }, status=200 if results is not None else 400)

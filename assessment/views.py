"""The application pages: the provider's view of each case, the agency's case page and the
assessors' queue. Each action posts, runs its service, and redirects with a message."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Organisation
from accounts.permissions import is_agency_staff, is_approver, is_assessor, is_provider
from config.errors import DomainError, NotPermitted
from config.spreadsheet_csv import csv_download, csv_text
from credentials import selectors as credential_selectors
from credentials.completeness import LABELS, completeness

from . import clock, dashboard, forms, selectors, services
from . import permissions as can
from .calendar import agency_calendar
from .clock_history import clock_history
from .models import Application


def _require_reader(user):
    if not can.can_read_applications(user):
        raise NotPermitted(_("Applications are open to their provider and to the agency."))


def _require_provider(user):
    if not is_provider(user):
        raise NotPermitted(_("Only the provider's own staff may do this."))


@login_required
@require_safe
def application_list(request):
    _require_reader(request.user)
    # The list shows no history, files or clocks: none of the case page's prefetches.
    applications = selectors.applications_visible_to(request.user).prefetch_related(None)
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    return render(request, "assessment/list.html", {"page": page})


def _hours_check(microcredential, credits):
    """The credit that the notional hours imply, and whether `credits` disagrees with it."""
    hours = microcredential.learner_effort_hours
    if hours is None or credits is None:
        return None
    implied = (Decimal(hours) / 10).quantize(Decimal("0.1"))
    return {"hours": hours, "implied": implied, "credits": credits, "disagree": Decimal(credits) != implied}


def _case_context(request, application, bound=None):
    user = request.user
    result = completeness(application.microcredential)
    forms_for = {
        "withdraw": forms.ReasonForm, "respond": forms.RespondForm, "request-info": forms.RequestInfoForm,
        "assign": forms.AssignForm, "recommend": forms.RecommendForm, "return": forms.ReturnForm,
        "sign-off": forms.SignOffForm, "note": forms.NoteForm,
    }
    open_actions = _open_actions(user, application)
    if application.is_review and "submit" in open_actions:
        forms_for["review-submit"] = forms.ReviewSubmitForm
        open_actions.add("review-submit")
    action_forms = {name: form_class() for name, form_class in forms_for.items() if name in open_actions}
    if bound is not None:
        action_forms[bound[0]] = bound[1]
    # Templates name them with underscores (`forms.sign_off`).
    action_forms = {name.replace("-", "_"): form for name, form in action_forms.items()}
    if "recommend" in action_forms and not action_forms["recommend"].is_bound:
        microcredential = application.microcredential
        action_forms["recommend"] = forms.RecommendForm(initial={
            "level": microcredential.proposed_level_id, "credits": microcredential.proposed_credits,
        })
    microcredential = application.microcredential
    recommendation = application.current_recommendation
    today, calendar = clock.agency_date(timezone.now()), agency_calendar()
    return {
        "application": application,
        "is_agency": is_agency_staff(user),
        "completeness": {
            **result,
            "missing_required": [{"name": n, "label": LABELS[n]} for n in result["missing_required"]],
            "missing_recommended": [{"name": n, "label": LABELS[n]} for n in result["missing_recommended"]],
        },
        "can_submit": "submit" in open_actions,
        "open_actions": open_actions,
        "forms": action_forms,
        "sla": application.clock_on(today=today, calendar=calendar),
        "clock_history": clock_history(application, today=today, calendar=calendar),
        "recommendation": recommendation if can.can_see_recommendation(user, recommendation) else None,
        "proposed_hours": _hours_check(microcredential, microcredential.proposed_credits),
        "recommended_hours": _hours_check(microcredential, recommendation.credits) if recommendation else None,
        "history": selectors.case_history_for(user=user, application=application),
        "notes": selectors.internal_notes_for(user=user, application=application),
        "review": selectors.review_for_case(application=application, as_of=today) if application.is_review else None,
        "effort_hours_js": "null" if microcredential.learner_effort_hours is None else str(microcredential.learner_effort_hours),
    }


def _open_actions(user, application):
    """The actions this person may take on the case now: the buttons and forms to show."""
    checks = {
        "submit": (can.can_submit, application.submit),
        "withdraw": (can.can_withdraw, application.withdraw),
        "respond": (can.can_respond, application.respond),
        "claim": (lambda u, a: can.can_claim(u, a) and a.assigned_to_id is None, application.claim),
        "assign": (can.can_assign, application.assign),
        "request-info": (can.can_request_info, application.request_info),
        "recommend": (can.can_recommend, application.recommend),
        "return": (can.can_return, application.return_to_review),
        "sign-off": (can.can_sign_off, application.approve),
    }
    from django_fsm import can_proceed

    actions = {name for name, (allowed, transition) in checks.items() if allowed(user, application) and can_proceed(transition)}
    if can.can_add_internal_note(user, application):
        actions.add("note")
    return actions


@login_required
@require_safe
def application_detail(request, pk):
    _require_reader(request.user)
    application = selectors.application_get(user=request.user, pk=pk)
    return render(request, "assessment/detail.html", _case_context(request, application))


@login_required
@require_POST
def application_create(request):
    _require_provider(request.user)
    try:
        microcredential_id = int(request.POST.get("microcredential", ""))
    except ValueError:
        raise DomainError(_("Choose one of your micro-credentials to apply for.")) from None
    microcredential = credential_selectors.microcredential_get(user=request.user, pk=microcredential_id)
    application = services.application_create(actor=request.user, microcredential=microcredential)
    messages.success(request, _("Your draft application is ready. Check it and submit it to the agency."))
    return redirect("applications:detail", pk=application.pk)


@login_required
@require_POST
def application_submit(request, pk):
    _require_provider(request.user)
    application = selectors.application_get(user=request.user, pk=pk)
    data = {}
    if application.is_review:
        form = forms.ReviewSubmitForm(request.POST)
        if not form.is_valid():
            return _invalid(request, application, "review-submit", form)
        data = form.cleaned_data
    try:
        application = services.application_submit(actor=request.user, application=application, **data)
    except ValidationError as error:
        form = forms.ReviewSubmitForm(request.POST)
        form.is_valid()
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
        return _invalid(request, application, "review-submit", form)
    except DomainError as error:
        if error.status_code != 400:
            raise
        messages.error(request, error.message)
        return redirect("applications:detail", pk=pk)
    if application.is_review:
        messages.success(request, _("Your review is filed (%s): no more reminders for this period.") % application.reference)
    else:
        messages.success(
            request, _("Submitted. Your reference is %s; the agency aims to decide within ten business days.")
            % application.reference,
        )
    return redirect("applications:detail", pk=pk)


# action: (who may post it, its form or None, the service call, the message afterwards)
PAGE_ACTIONS = {
    "withdraw": (is_provider, forms.ReasonForm,
                 lambda user, a, d: services.application_withdraw(actor=user, application=a, reason=d["reason"]),
                 gettext_lazy("The application is withdrawn.")),
    "respond": (is_provider, forms.RespondForm,
                lambda user, a, d: services.application_respond(actor=user, application=a, message=d["message"]),
                gettext_lazy("Your answer is with the agency; the clock runs again.")),
    "claim": (is_assessor, None,
              lambda user, a, d: services.application_claim(actor=user, application=a),
              gettext_lazy("You have claimed %(reference)s.")),
    "assign": (is_approver, forms.AssignForm,
               lambda user, a, d: services.application_assign(
                   actor=user, application=a, assessor=d["assessor"], reason=d["reason"]),
               "Assigned."),
    "request-info": (is_assessor, forms.RequestInfoForm,
                     lambda user, a, d: services.application_request_info(actor=user, application=a, message=d["message"]),
                     gettext_lazy("Information requested; the clock is paused until the provider answers.")),
    "recommend": (is_assessor, forms.RecommendForm,
                  lambda user, a, d: services.application_recommend(actor=user, application=a, data=d),
                  gettext_lazy("Recommendation recorded; another approver must sign it off.")),
    "return": (is_approver, forms.ReturnForm,
               lambda user, a, d: services.application_return(actor=user, application=a, comment=d["comment"]),
               gettext_lazy("Returned to the assessor.")),
    "sign-off": (is_approver, forms.SignOffForm,
                 lambda user, a, d: services.application_sign_off(actor=user, application=a, comment=d["comment"]),
                 gettext_lazy("Signed off: %(reference)s is %(state)s.")),
    "note": (is_agency_staff, forms.NoteForm,
             lambda user, a, d: services.internal_note_add(actor=user, application=a, text=d["text"]),
             gettext_lazy("Note added.")),
}


def _action_view(action):
    allowed, form_class, run, success = PAGE_ACTIONS[action]

    @login_required
    @require_POST
    def view(request, pk):
        if not allowed(request.user):
            raise NotPermitted(_("Your role may not do this."))
        application = selectors.application_get(user=request.user, pk=pk)
        form = form_class(request.POST) if form_class else None
        data = {}
        if form is not None:
            if not form.is_valid():
                return _invalid(request, application, action, form)
            data = form.service_data() if hasattr(form, "service_data") else form.cleaned_data
        try:
            result = run(request.user, application, data)
        except ValidationError as error:
            if form is None:
                raise DomainError(" ".join(error.messages)) from None
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
            return _invalid(request, application, action, form)
        except DomainError as error:
            if error.status_code != 400:
                raise
            messages.error(request, error.message)
            return redirect("applications:detail", pk=pk)
        result = result if isinstance(result, Application) else application
        if action == "claim" and request.POST.get("next") == "queue":
            # The claimed case leaves the Unassigned tab: the message is the way to it.
            messages.success(request, format_html(
                _('You have claimed {}. <a href="{}">Open the case</a> or claim another.'),
                result, reverse("applications:detail", args=[result.pk]),
            ))
            return redirect("queue")
        messages.success(request, success % {"reference": result, "state": result.get_state_display().lower()})
        return redirect("applications:detail", pk=pk)

    view.__name__ = "application_%s" % action.replace("-", "_")
    return view


def _invalid(request, application, action, form):
    application = selectors.application_get(user=request.user, pk=application.pk)
    context = _case_context(request, application, bound=(action, form))
    context["invalid_action"] = action
    return render(request, "assessment/detail.html", context, status=400)


ACTION_VIEWS = {action: _action_view(action) for action in PAGE_ACTIONS}


@login_required
@require_safe
def queue(request):
    """The assessors' queue: open cases, soonest due first, with their clocks."""
    if not is_agency_staff(request.user):
        raise NotPermitted(_("The queue is for agency staff."))
    tab = request.GET.get("tab", "unassigned")
    if tab not in selectors.QUEUE_TABS:
        tab = "unassigned"
    state = request.GET.get("state") if request.GET.get("state") in Application.OPEN_STATES else ""
    kind = request.GET.get("kind") if request.GET.get("kind") in Application.Kind.values else ""
    provider = request.GET.get("provider", "")
    provider = int(provider) if provider.isdigit() and len(provider) < 10 else None
    cases = selectors.queue(user=request.user, tab=tab, state=state, kind=kind, provider=provider)
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    today, calendar = clock.agency_date(timezone.now()), agency_calendar()
    rows = [(application, application.clock_on(today=today, calendar=calendar)) for application in page.object_list]
    filters = request.GET.copy()
    filters.pop("page", None)
    tab_query = filters.copy()
    tab_query.pop("tab", None)
    return render(request, "assessment/queue.html", {
        "page": page, "rows": rows, "tab": tab, "tabs": [("unassigned", _("Unassigned")), ("mine", _("Mine")), ("all", _("All open"))],
        "state": state, "kind": kind, "provider": provider,
        "states": [(s, Application.State(s).label) for s in Application.OPEN_STATES],
        "kinds": Application.Kind.choices,
        "providers": Organisation.objects.filter(kind=Organisation.Kind.PROVIDER).order_by("name").only("id", "name"),
        "filter_query": filters.urlencode(), "tab_query": tab_query.urlencode(),
        "can_claim": is_assessor(request.user),
    })


def _dashboard_sections(user):
    """Today's date and the dashboard's sections, for agency staff only."""
    if not can.can_see_dashboard(user):
        raise NotPermitted(_("The dashboard is for agency staff."))
    today = clock.agency_date(timezone.now())
    return today, dashboard.dashboard(today=today, calendar=agency_calendar())


@login_required
@require_safe
def dashboard_page(request):
    """How the agency keeps its ten-business-day promise (assessment.dashboard's sections)."""
    today, sections = _dashboard_sections(request.user)
    return render(request, "assessment/dashboard.html", {
        "sections": sections, "today": today, "glance": {item.section.key: item.data for item in sections},
    })


@login_required
@require_safe
def dashboard_export(request):
    """The dashboard's figures as one CSV, a section after another."""
    today, sections = _dashboard_sections(request.user)
    return csv_download(csv_text(dashboard.csv_rows(sections, today=today)),
                        filename="agency-performance-%s.csv" % today.isoformat())

"""Who may act on a case, as predicates shared by the services, the API, the pages and the
templates. Each answers about the person and the case, not the case's state: the state
check is the FSM's (`can_proceed`), so a role that may act but at the wrong time gets 409."""

from accounts.permissions import is_agency_staff, is_approver, is_assessor, is_provider


def can_read_applications(user):
    """Cases are open to their provider (selectors scope which) and to the agency."""
    return is_provider(user) or is_agency_staff(user)


def can_see_recommendation(user, recommendation):
    """The agency sees a recommendation as soon as it is made; the provider only once an
    approver has signed it off and it is the decision."""
    if recommendation is None:
        return False
    return is_agency_staff(user) or recommendation.signed_off_at is not None


def is_own_provider(user, application):
    return is_provider(user) and user.organisation_id == application.provider_id


def can_submit(user, application):
    return is_own_provider(user, application)


def can_withdraw(user, application):
    return is_own_provider(user, application)


def can_respond(user, application):
    return is_own_provider(user, application)


def can_claim(user, application=None):
    return is_assessor(user)


def can_assign(user, application=None):
    return is_approver(user)


def is_assignee(user, application):
    return is_assessor(user) and application.assigned_to_id == user.pk


def can_request_info(user, application):
    return is_assignee(user, application)


def can_recommend(user, application):
    return is_assignee(user, application)


def can_return(user, application=None):
    return is_approver(user)


def can_sign_off(user, application):
    """An approver who did not make the recommendation under sign-off (four eyes)."""
    if not is_approver(user):
        return False
    recommendation = application.current_recommendation
    return recommendation is None or recommendation.recommended_by_id != user.pk


def can_read_event_message(user, event):
    """What was said at a step of the history: the agency's internal reasons (events whose
    action is in ApplicationEvent.INTERNAL_MESSAGE_ACTIONS) for agency staff only."""
    return is_agency_staff(user) or event.action not in event.INTERNAL_MESSAGE_ACTIONS


def can_add_internal_note(user, application=None):
    return is_agency_staff(user)


def can_see_dashboard(user):
    """The agency's performance against its promise: for agency staff (assessors, approvers,
    administrators); providers and registrars see only their own cases or the register."""
    return is_agency_staff(user)

"""Who may do what, as predicates shared by the API, the pages and the templates.

Deny by default: every predicate is False for an anonymous or inactive user.
"""

from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from .models import User

Role = User.Role

AGENCY_ROLES = frozenset({Role.ASSESSOR, Role.APPROVER, Role.ADMIN})


def _role(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.role


def is_provider(user):
    return _role(user) == Role.PROVIDER


def is_registrar(user):
    return _role(user) == Role.REGISTRAR


def is_agency_staff(user):
    return _role(user) in AGENCY_ROLES


def is_assessor(user):
    """Assessors and approvers: an approver may do everything an assessor may."""
    return _role(user) in {Role.ASSESSOR, Role.APPROVER}


def is_approver(user):
    return _role(user) == Role.APPROVER


def is_admin(user):
    return _role(user) == Role.ADMIN


def second_factor_mandatory(user):
    """Agency staff sign in with a second factor, always (others once they enrol)."""
    return is_agency_staff(user)


def can_read_full_register(user):
    return is_agency_staff(user) or is_registrar(user)


def can_use_admin_site(user):
    return is_admin(user)


def require(predicate):
    """A DRF permission class from a predicate: `permission_classes = [require(is_provider)]`."""

    class _Permission(BasePermission):
        message = gettext_lazy("Your role may not do this.")

        def has_permission(self, request, view):
            return bool(predicate(request.user))

    _Permission.__name__ = "Require_" + predicate.__name__
    return _Permission

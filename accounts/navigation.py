"""The header's links for each role. Each page adds its entry here as it lands."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import permissions

# (label, url name, who sees it)
ITEMS = [
    (_("Home"), "home", lambda user: True),
    (_("Queue"), "queue", permissions.is_agency_staff),
    # The dashboard's own predicate lives with the casework; the same rule, agency staff.
    (_("Dashboard"), "dashboard", permissions.is_agency_staff),
    (_("Micro-credentials"), "credentials:list", lambda user: permissions.is_provider(user) or permissions.is_agency_staff(user)),
    (_("Applications"), "applications:list", lambda user: permissions.is_provider(user) or permissions.is_agency_staff(user)),
    (_("Register"), "register:list", lambda user: True),
    (_("Verify"), "register:verify", lambda user: True),
    (_("Stack"), "register:stack", permissions.can_read_full_register),
    (_("Administration"), "admin:index", permissions.can_use_admin_site),
    (_("API"), "swagger-ui", lambda user: user.is_authenticated),
    (_("Your account"), "accounts:security", lambda user: user.is_authenticated),
]


def items_for(user, current_path):
    items = []
    for label, url_name, visible in ITEMS:
        if not visible(user):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        current = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    return items

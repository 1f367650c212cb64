"""The header's links for each role. Each page adds its entry here as it lands."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

from . import permissions

# (label, url name, who sees it)
ITEMS = [
    (gettext_lazy("Home"), "home", lambda user: True),
    (gettext_lazy("Queue"), "queue", permissions.is_agency_staff),
    # The dashboard's own predicate lives with the casework; the same rule, agency staff.
    (gettext_lazy("Dashboard"), "dashboard", permissions.is_agency_staff),
    (gettext_lazy("Micro-credentials"), "credentials:list", lambda user: permissions.is_provider(user) or permissions.is_agency_staff(user)),
    (gettext_lazy("Applications"), "applications:list", lambda user: permissions.is_provider(user) or permissions.is_agency_staff(user)),
    (gettext_lazy("Register"), "register:list", lambda user: True),
    (gettext_lazy("Verify"), "register:verify", lambda user: True),
    (gettext_lazy("Stack"), "register:stack", permissions.can_read_full_register),
    (gettext_lazy("Administration"), "admin:index", permissions.can_use_admin_site),
    ("API", "swagger-ui", lambda user: user.is_authenticated),
    (gettext_lazy("Your account"), "accounts:security", lambda user: user.is_authenticated),
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

from django.conf import settings

from . import navigation as nav


def navigation(request):
    return {
        "agency_name": settings.AGENCY_NAME,
        "nav_items": nav.items_for(request.user, request.path),
    }

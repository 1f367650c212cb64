"""The public addresses the credentials name, absolute on SITE_URL: a credential travels, so
every URL in it must work from anywhere."""

from django.conf import settings
from django.urls import reverse


def absolute(name, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def status_list_url() -> str:
    return absolute("api-status-list")


def credential_url(reference) -> str:
    return absolute("api-assessment-credential", reference=reference)


def register_entry_url(reference) -> str:
    return absolute("register:detail", reference=reference)

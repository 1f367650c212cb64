"""API tokens (django-rest-knox): stored as a SHA-512 digest, shown once, expiring after
`TOKEN_TTL_DAYS`. A token is never looked up by its key in the database: knox keeps the
digest and the first 15 characters, enough to find the candidates, never enough to use one.
"""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework.exceptions import AuthenticationFailed

_KEY = re.compile(
    re.escape(knox_settings.TOKEN_PREFIX.encode()) + rb"[0-9a-f]{%d}" % knox_settings.AUTH_TOKEN_CHARACTER_LENGTH
)


class ApiTokenAuthentication(TokenAuthentication):
    """knox's authentication without its sweep of the account's other tokens on every request
    (one more query per API call): an expired token is still refused and deleted when used,
    and the account's other expired tokens go when it is issued a new one.

    A key that cannot be one knox issued (its prefix, then AUTH_TOKEN_CHARACTER_LENGTH
    hexadecimal characters) is refused before anything is decoded or looked up: knox decodes
    the header as UTF-8 (any other byte was a 500) and PostgreSQL refuses a NUL in the lookup.
    """

    def authenticate_credentials(self, token):
        if not _KEY.fullmatch(token):
            raise AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class ApiTokenScheme(KnoxTokenScheme):
    """The schema's description of it: `Authorization: Token <key>`, as knox's own."""

    target_class = "accounts.tokens.ApiTokenAuthentication"


@transaction.atomic
def api_token_issue(*, user):
    """A new token for the account: (its record, the key to show once)."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return AuthToken.objects.create(user=user)


def api_token_revoke(*, token):
    """Sign out the client that holds this token (API logout)."""
    AuthToken.objects.filter(pk=token.pk).delete()


def api_tokens_revoke(*, user):
    """Every token of the account: its password changed or it was deactivated (User.save)."""
    AuthToken.objects.filter(user=user).delete()

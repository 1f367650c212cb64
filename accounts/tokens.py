"""API tokens (django-rest-knox): stored as a SHA-512 digest, shown once, expiring after
`TOKEN_TTL_DAYS`. A token is never looked up by its key in the database: knox keeps the
digest and the first 15 characters, enough to find the candidates, never enough to use one.
"""

from django.db import transaction
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.models import AuthToken


class ApiTokenAuthentication(TokenAuthentication):
    """knox's authentication without its sweep of the account's other tokens on every request
    (one more query per API call): an expired token is still refused and deleted when used,
    and the account's other expired tokens go when it is issued a new one."""

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

"""API tokens (django-rest-knox): stored as a SHA-512 digest, shown once, expiring after
`TOKEN_TTL_DAYS`. A token is never looked up by its key in the database: knox keeps the
digest and the first 15 characters, enough to find the candidates, never enough to use one.
"""

from django.db import transaction
from knox.models import AuthToken


@transaction.atomic
def api_token_issue(*, user):
    """A new token for the account: (its record, the key to show once)."""
    return AuthToken.objects.create(user=user)


def api_token_revoke(*, token):
    """Sign out the client that holds this token (API logout)."""
    AuthToken.objects.filter(pk=token.pk).delete()


def api_tokens_revoke(*, user):
    """Every token of the account: its password changed or it was deactivated (User.save)."""
    AuthToken.objects.filter(user=user).delete()

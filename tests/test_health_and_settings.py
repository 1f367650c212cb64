import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# For the subprocesses that read settings but are not about the database.
SERVER = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/test"


def _run(code, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS",
                                                              "DATABASE_URL", "REDIS_URL", "SIGNING_KEY_FILE",
                                                              "SIGNING_CERT_FILE", "SIGNING_TRUSTED_CERTS",
                                                              "VC_KEY_FILE", "DJANGO_SETTINGS_MODULE",
                                                              "DJANGO_CONN_MAX_AGE"}}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_does_not():
    # A real unreachable PostgreSQL (nothing listens on port 9), in a fresh process.
    result = _run(
        "import django; django.setup();"
        "from django.test import Client; r = Client(SERVER_NAME='localhost').get('/healthz');"
        "print(r.status_code, r.content.decode())",
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere",
    )
    assert result.stdout.strip() == '503 {"status": "unavailable"}', result.stderr


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    result = _run("import django; django.setup()", DJANGO_SETTINGS_MODULE="config.settings.production",
                  DJANGO_VAR_DIR=str(tmp_path))
    # Refused before the development default could start an embedded database server.
    assert not (tmp_path / "postgres").exists()
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "SIGNING_CERT_FILE", "VC_KEY_FILE"):
        assert name in result.stderr
    # Only workers sign: they check the key as they start (tests/credentials/test_key_rotation.py).
    assert "SIGNING_KEY_FILE" not in result.stderr


PRODUCTION = dict(
    DJANGO_SETTINGS_MODULE="config.settings.production",
    # Named but never read by these checks: production checks only that the file exists.
    VC_KEY_FILE=__file__,
    DJANGO_SECRET_KEY="x" * 60,
    DJANGO_ALLOWED_HOSTS="agency.example",
    DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
    REDIS_URL="redis://127.0.0.1:6379/1",
)


def test_production_refuses_signing_files_that_do_not_exist(tmp_path):
    result = _run("import django; django.setup()", **PRODUCTION, SIGNING_CERT_FILE=str(tmp_path / "missing.pem"))
    assert result.returncode != 0
    assert "SIGNING_CERT_FILE does not name a readable file" in result.stderr
    cert = tmp_path / "signing.pem"
    cert.write_text("cert")
    result = _run("import django; django.setup()", **PRODUCTION, SIGNING_CERT_FILE=str(cert),
                  SIGNING_TRUSTED_CERTS=str(tmp_path / "missing-earlier.pem"))
    assert result.returncode != 0
    assert "SIGNING_TRUSTED_CERTS does not name a readable file" in result.stderr


def test_the_production_web_starts_with_the_certificate_and_no_key(tmp_path):
    cert, vc_key = tmp_path / "signing.pem", tmp_path / "vc.pem"
    cert.write_text("cert")
    vc_key.write_text("key")
    result = _run("import django; django.setup(); print('started')", **{**PRODUCTION, "VC_KEY_FILE": str(vc_key)},
                  SIGNING_CERT_FILE=str(cert))
    assert result.stdout.strip() == "started", result.stderr


def test_production_refuses_a_credential_key_file_that_does_not_exist(tmp_path):
    cert = tmp_path / "signing.pem"
    cert.write_text("cert")
    result = _run("import django; django.setup()", **{**PRODUCTION, "VC_KEY_FILE": str(tmp_path / "missing-vc.pem")},
                  SIGNING_CERT_FILE=str(cert))
    assert result.returncode != 0
    assert "VC_KEY_FILE does not name a readable file" in result.stderr


def test_production_passes_the_deployment_checks_when_given_its_secrets(tmp_path):
    key, cert = tmp_path / "signing.key", tmp_path / "signing.pem"
    key.write_text("key")
    cert.write_text("cert")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
            "DJANGO_ALLOWED_HOSTS": "agency.example",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
            "REDIS_URL": "redis://127.0.0.1:6379/1",
            "SIGNING_KEY_FILE": str(key),
            "SIGNING_CERT_FILE": str(cert),
            "VC_KEY_FILE": str(key),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_embedded_defaults_when_nothing_is_set(embedded_var_dir):
    result = _run(
        "import django; django.setup(); from django.conf import settings as s;"
        "from django.db import connection; connection.ensure_connection();"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND,"
        " s.CACHES['default']['BACKEND'], s.DEFAULT_FROM_EMAIL, s.SITE_URL, s.THROTTLE_ANON, s.THROTTLE_USER)",
        DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_VAR_DIR=str(embedded_var_dir),
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.cache.backends.locmem.LocMemCache",
        "noreply@localhost",
        "http://localhost:8000",
        "60/minute",
        "1200/minute",
    ], result.stderr


def test_database_connections_are_kept_between_requests_unless_told_otherwise():
    script = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    kept = _run(script, DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=SERVER)
    assert kept.stdout.split() == ["60", "True"], kept.stderr
    closed = _run(script, DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_CONN_MAX_AGE="0", DATABASE_URL=SERVER)
    assert closed.stdout.split() == ["0", "True"], closed.stderr


def test_redis_and_smtp_are_used_when_configured():
    result = _run(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND, s.EMAIL_PORT)",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=SERVER,
        REDIS_URL="redis://127.0.0.1:6379/3",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT="2525",
    )
    assert result.stdout.split() == [
        "redis://127.0.0.1:6379/3",
        "False",
        "django.core.cache.backends.redis.RedisCache",
        "django.core.mail.backends.smtp.EmailBackend",
        "2525",
    ], result.stderr


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi", "config.celery"])
def test_server_entry_points_default_to_production_settings(module):
    # With DJANGO_SETTINGS_MODULE unset, a server started as the README says (gunicorn
    # config.wsgi, celery -A config) must not run the development settings (DEBUG on, the
    # repository's secret key, a freshly made signing key): it refuses without its secrets.
    result = _run("import %s; from django.conf import settings; settings.DEBUG" % module)
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_manage_py_keeps_the_development_default():
    result = subprocess.run(
        [sys.executable, "-c", "import runpy, sys; sys.argv=['manage.py', 'diffsettings', '--output', 'unified'];"
         "runpy.run_path('manage.py', run_name='__main__')"],
        cwd=ROOT, env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "+ DEBUG = True" in result.stdout

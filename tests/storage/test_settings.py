"""S3_BUCKET switches the default storage to a private bucket; unset, files stay on disk.
Each case reads the settings in a fresh process, as a server would at start."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SERVER = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/test"
PRINT_DEFAULT_STORAGE = (
    "import django, json; django.setup(); from django.conf import settings;"
    "from django.core.files.storage import storages;"
    "print(json.dumps([settings.STORAGES['default'], type(storages['default']).__name__],"
    " default=lambda config: {'connect_timeout': config.connect_timeout, 'read_timeout': config.read_timeout}))"
)


def _environment(**extra):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("S3_", "AWS_ACCESS", "AWS_SECRET")) and k != "DJANGO_SETTINGS_MODULE"}
    return {**clean, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": SERVER, **extra}


def _default_storage(**extra):
    result = subprocess.run([sys.executable, "-c", PRINT_DEFAULT_STORAGE], cwd=ROOT, env=_environment(**extra),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_s3_bucket_files_stay_on_this_machines_disk():
    entry, storage = _default_storage()
    assert entry == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert storage == "FileSystemStorage"


def test_s3_bucket_makes_the_default_storage_a_private_bucket_whose_urls_expire_within_minutes():
    entry, storage = _default_storage(S3_BUCKET="agency-files", S3_ENDPOINT_URL="http://127.0.0.1:9000")
    assert storage == "S3Storage"
    options = entry["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"]) == ("agency-files", "http://127.0.0.1:9000")
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] <= 600
    assert options["file_overwrite"] is False
    # A service that hangs fails within seconds, not botocore's default minute per attempt.
    assert options["client_config"]["connect_timeout"] <= 10 and options["client_config"]["read_timeout"] <= 60
    # The keys stay in the environment, where boto reads them (or an instance role serves).
    assert "access_key" not in options and "secret_key" not in options


def test_s3_without_an_endpoint_means_aws_itself():
    entry, _ = _default_storage(S3_BUCKET="agency-files")
    assert entry["OPTIONS"]["endpoint_url"] is None


def test_production_with_s3_passes_the_deployment_checks(tmp_path):
    key, cert = tmp_path / "signing.key", tmp_path / "signing.pem"
    key.write_text("key")
    cert.write_text("cert")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_environment(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DJANGO_SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
            DJANGO_ALLOWED_HOSTS="agency.example", REDIS_URL="redis://127.0.0.1:6379/1",
            SIGNING_KEY_FILE=str(key), SIGNING_CERT_FILE=str(cert), VC_KEY_FILE=str(key),
            S3_BUCKET="agency-files", S3_ENDPOINT_URL="https://objects.agency.example",
            AWS_ACCESS_KEY_ID="id", AWS_SECRET_ACCESS_KEY="secret",
        ),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout

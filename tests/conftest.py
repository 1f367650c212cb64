import importlib
import logging
import socket

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tokens import api_token_issue

from .factories import UserFactory


def pytest_configure(config):
    """The French catalogue compiled as `make messages` does, when a run starts from a fresh
    checkout or after the .po changed (.mo files are never committed)."""
    import subprocess
    from pathlib import Path

    for po in Path(__file__).resolve().parent.parent.glob("locale/*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


@pytest.fixture(autouse=True)
def _default_language():
    """A request activates its language for the thread (config/locale.py) and nothing resets it
    but the next request: a French page must not leave the next test's code in French."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters and cached calendars must not leak from one test to the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The frameworks and fields of study ship as a data migration; a transactional test's
    flush deletes them, so the next database test puts them back."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    transactional = names & {"transactional_db", "live_server"} or (
        marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.apps import apps

    from credentials.models import Level

    if not Level.objects.exists():
        load = importlib.import_module("credentials.migrations.0002_reference_data").load
        load(apps, None)


@pytest.fixture
def embedded_var_dir(tmp_path):
    """A VAR_DIR for a subprocess run on the embedded defaults (DATABASE_URL unset): its
    embedded PostgreSQL server starts there on demand and is stopped afterwards."""
    from config.embedded_postgres import embedded_stop

    yield tmp_path
    embedded_stop(tmp_path)


@pytest.fixture
def make_user(db):
    def make(role=User.Role.PROVIDER, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as():
    """An API client authenticated with the user's token, as an integrator would call it."""

    def client_for(user):
        client = APIClient()
        _, key = api_token_issue(user=user)
        client.credentials(HTTP_AUTHORIZATION="Token " + key)
        return client

    return client_for


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (in a thread of this process) consuming from the configured broker:
    Redis when REDIS_URL is set, as in CI. Tasks stop running inline while it lives."""
    from config.celery import app

    # Starting a worker sets the root logger's level (to ERROR by default), which would hide
    # warnings from every later test's log capture.
    root_level = logging.getLogger().level
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True
        logging.getLogger().setLevel(root_level)


class _Inbox:
    """What a real SMTP server (aiosmtpd) accepted, message by message."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free local port, with the settings sending mail to it; the
    fixture's value is its inbox (`.messages`)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


@pytest.fixture
def provider(db):
    """Staff of Northern Lakes College."""
    return UserFactory(role=User.Role.PROVIDER)


@pytest.fixture
def other_provider(db):
    """Staff of another provider organisation, who must never see the first one's records."""
    from .factories import OrganisationFactory

    return UserFactory(role=User.Role.PROVIDER, organisation=OrganisationFactory(name="Maple Leaf Skills Institute"))


@pytest.fixture(scope="session")
def signing_var_dir(tmp_path_factory):
    """A VAR_DIR for the register's tests, so one development signing key serves the run.
    Tests point settings at it through the function-scoped `settings` fixture (letters_dir):
    a session-wide settings override would unwind out of order with those."""
    return tmp_path_factory.mktemp("register-var")


@pytest.fixture
def letters_dir(signing_var_dir, settings, tmp_path):
    """Letters stored under a per-test MEDIA_ROOT, signed by the session's key."""
    settings.VAR_DIR = signing_var_dir
    settings.SIGNING_KEY_FILE = ""
    settings.SIGNING_CERT_FILE = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(db, tmp_path, settings, signing_var_dir):
    """Records that exist before a request is made, so the permission matrix, the API fuzz and
    the accessibility pages have real ids to ask for. Later issues add their objects here.

    They belong to the provider organisation `UserFactory(role="provider")` joins, so a provider
    row tests the owner; tests/*/ check that another provider gets 404.
    - `microcredential`: lacks a required element (prerequisites), with `attachment` and a draft
      `application` whose submit is refused with the missing elements;
    - `complete_microcredential` with a draft `complete_application` that can be submitted;
    - `assessment`: a register entry with a stand-in letter file (rendering and signing a real
      one for each of hundreds of matrix rows would dominate the run)."""
    from django.core.files.base import ContentFile

    from credentials.models import Attachment, Letter

    from .credentials.register_world import issue, people
    from .factories import ApplicationFactory, MicroCredentialFactory

    settings.MEDIA_ROOT = tmp_path
    owner = UserFactory(role=User.Role.PROVIDER)
    microcredential = MicroCredentialFactory(created_by=owner, prerequisites="")
    attachment = Attachment(
        microcredential=microcredential, kind="curriculum", original_name="c.pdf", content_type="application/pdf",
        size=9, sha256="0" * 64, uploaded_by=owner,
    )
    attachment.file.save("c.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    complete = MicroCredentialFactory(created_by=owner)
    settings.VAR_DIR = signing_var_dir
    settings.SIGNING_KEY_FILE = settings.SIGNING_CERT_FILE = ""
    assessment = issue(people(), letter=False, microcredential=MicroCredentialFactory(created_by=owner))
    # Outside a test transaction (live-server tests) the real letter was produced on commit.
    if not Letter.objects.filter(assessment=assessment).exists():
        Letter(assessment=assessment, version=1, sha256="0" * 64, size=9).file.save("l.pdf", ContentFile(b"%PDF-1.7\n"))
    return {
        "provider": owner,
        "microcredential": microcredential,
        "attachment": attachment,
        "application": ApplicationFactory(microcredential=microcredential),
        "complete_microcredential": complete,
        "complete_application": ApplicationFactory(microcredential=complete),
        "assessment": assessment,
    }

"""credentials knows nothing of cases (architecture: assessment → credentials → accounts): the
case panels on its pages come from assessment, which walks the applications and names their
states; credentials neither imports assessment nor reads a micro-credential's applications."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

import credentials
from tests.factories import ApplicationFactory, MicroCredentialFactory

CASEWORK = re.compile(r"^\s*(from|import)\s+assessment\b|\.applications\b|CASE_STATES", re.M)


def test_credentials_code_neither_imports_assessment_nor_walks_applications():
    root = Path(credentials.__file__).parent
    offenders = [
        str(path.relative_to(root)) for path in root.rglob("*.py")
        if "migrations" not in path.parts and CASEWORK.search(path.read_text())
    ]
    assert offenders == []


def test_credentials_templates_show_no_case():
    root = Path(settings.BASE_DIR) / "templates" / "credentials"
    offenders = [path.name for path in root.rglob("*.html") if re.search(r"\bapplications?\b", path.read_text())]
    assert offenders == []


@pytest.mark.django_db
def test_the_micro_credential_page_offers_a_new_application_only_while_no_case_is_open(client, provider):
    microcredential = MicroCredentialFactory(created_by=provider)
    client.force_login(provider)
    url = "/microcredentials/%d/" % microcredential.pk
    assert "Start an application" in client.get(url).content.decode()

    case = ApplicationFactory(microcredential=microcredential, created_by=provider, state="submitted",
                              reference="APP-2026-00901", submitted_at=timezone.now())
    page = client.get(url).content.decode()
    assert "APP-2026-00901" in page and "Submitted" in page
    assert "Start an application" not in page

    type(case).objects.filter(pk=case.pk).update(state="withdrawn")
    assert "Start an application" in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_start_page_tells_the_provider_when_the_agency_needs_an_answer(client, provider):
    microcredential = MicroCredentialFactory(created_by=provider, title="Cold-Climate Heat Pumps")
    ApplicationFactory(microcredential=microcredential, created_by=provider, state="awaiting_provider",
                       reference="APP-2026-00902", submitted_at=timezone.now())
    client.force_login(provider)
    row = re.search(r"<tr>(?:(?!</tr>).)*Cold-Climate Heat Pumps.*?</tr>", client.get("/").content.decode(), re.S)
    assert "APP-2026-00902" in row.group(0) and "The agency needs your answer" in row.group(0)

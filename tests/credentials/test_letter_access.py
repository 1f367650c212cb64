"""Who may download an assessment's letters: its provider, registrars and the agency. The
letter prints the verification code, so anyone else (walking the sequential references) gets
404 on every letter URL and no download link, while the hashes stay public for verification."""

import pytest

from tests.factories import OrganisationFactory, UserFactory

from .register_world import issue, people

pytestmark = pytest.mark.usefixtures("letters_dir")

MAY_DOWNLOAD = ("provider", "registrar", "assessor", "approver", "admin")


@pytest.fixture
def assessment(db):
    entry = issue(people())
    # A second version, so every version's URL is tried.
    from credentials import services

    services.letter_issue(assessment_id=entry.pk, version=2)
    return entry


@pytest.fixture
def someone_else(db):
    return UserFactory(role="provider", organisation=OrganisationFactory(name="Maple Leaf Skills Institute"))


def user_of(role, assessment):
    return assessment.microcredential.created_by if role == "provider" else UserFactory(role=role)


def letter_paths(assessment):
    base = "/api/v1/assessments/%s/letter/" % assessment.reference
    return [base, base + "?version=1", base + "?version=2", base.replace(assessment.reference,
                                                                          assessment.reference.lower())]


def test_anonymous_visitors_and_another_provider_get_404_on_every_letter_url(assessment, someone_else, api, api_as):
    for client, who in ((api, "anonymous"), (api_as(someone_else), "another provider")):
        for path in letter_paths(assessment):
            response = client.get(path)
            assert response.status_code == 404, (who, path)
            assert b"%PDF" not in response.content


@pytest.mark.parametrize("role", MAY_DOWNLOAD)
def test_the_provider_registrars_and_the_agency_download_every_version(assessment, api_as, role):
    client = api_as(user_of(role, assessment))
    for path in letter_paths(assessment):
        response = client.get(path)
        assert response.status_code == 200, (role, path)
        assert response["Content-Type"] == "application/pdf"


def test_the_register_entry_lists_hashes_for_everyone_and_urls_only_for_who_may_download(
    assessment, someone_else, api, api_as
):
    path = "/api/v1/assessments/%s/" % assessment.reference
    for client in (api, api_as(someone_else)):
        letters = client.get(path).json()["letters"]
        assert [(row["version"], row["url"]) for row in letters] == [(1, None), (2, None)]
        assert all(len(row["sha256"]) == 64 and row["issued_at"] for row in letters)
    for role in MAY_DOWNLOAD:
        letters = api_as(user_of(role, assessment)).get(path).json()["letters"]
        assert letters[0]["url"].endswith("/api/v1/assessments/%s/letter/?version=1" % assessment.reference), role
    listed = api.get("/api/v1/assessments/").json()["results"]
    assert all(row["url"] is None for entry in listed for row in entry["letters"])


def test_the_public_register_page_shows_no_download_link_and_no_code(assessment, someone_else, client):
    for user in (None, someone_else):
        if user is not None:
            client.force_login(user)
        page = client.get("/register/%s/" % assessment.reference).content.decode()
        assert "/letter/" not in page and "Download version" not in page
        assert assessment.verification_code not in page
        # What verification needs stays public.
        assert assessment.letters.get(version=2).sha256 in page


@pytest.mark.parametrize("role", MAY_DOWNLOAD)
def test_the_register_page_links_the_letters_for_who_may_download(assessment, client, role):
    client.force_login(user_of(role, assessment))
    page = client.get("/register/%s/" % assessment.reference).content.decode()
    assert "/api/v1/assessments/%s/letter/?version=2" % assessment.reference in page
    assert "Download version 1 (PDF)" in page
    assert assessment.verification_code in page

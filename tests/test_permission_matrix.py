import pytest
from django.core.files.base import ContentFile

from credentials.models import Attachment, Letter
from tests.credentials.register_world import issue, people
from tests.factories import ApplicationFactory, MicroCredentialFactory, UserFactory
from tests.permission_matrix import EXEMPT_PREFIXES, MATRIX, ROLES, url_names


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = sorted(
        name for name in set(url_names()) if not name.startswith(EXEMPT_PREFIXES) and name not in MATRIX
    )
    assert missing == [], "add these to tests/permission_matrix.py: %s" % missing


def test_every_row_names_a_real_url_and_every_role():
    names = set(url_names())
    for name, (_, _, expected) in MATRIX.items():
        assert name in names, name
        assert set(expected) == set(ROLES), name


@pytest.fixture
def world(db, tmp_path, settings, signing_var_dir):
    """Objects the matrix's paths refer to; later issues add theirs.

    They belong to the provider organisation `UserFactory(role="provider")` joins, so the
    provider row tests the owner; tests/*/ check that another provider gets 404."""
    settings.MEDIA_ROOT = tmp_path
    microcredential = MicroCredentialFactory(created_by=UserFactory(role="provider"), prerequisites="")
    attachment = Attachment(
        microcredential=microcredential, kind="curriculum", original_name="c.pdf", content_type="application/pdf",
        size=9, sha256="0" * 64, uploaded_by=microcredential.created_by,
    )
    attachment.file.save("c.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    application = ApplicationFactory(microcredential=microcredential)
    settings.VAR_DIR = signing_var_dir
    settings.SIGNING_KEY_FILE = settings.SIGNING_CERT_FILE = ""
    # A stand-in letter file: rendering and signing a real one for each of hundreds of rows
    # would dominate the run, and the matrix is about who may ask, not about the file.
    assessment = issue(people(), letter=False, microcredential=MicroCredentialFactory(created_by=microcredential.created_by))
    Letter(assessment=assessment, version=1, sha256="0" * 64, size=9).file.save("l.pdf", ContentFile(b"%PDF-1.7\n"))
    return {"microcredential": microcredential, "attachment": attachment, "application": application,
            "assessment": assessment}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_the_expected_status(client, world, name, role):
    method, path, expected = MATRIX[name]
    if callable(path):
        path = path(world)
    if role != "anonymous":
        client.force_login(UserFactory(role=role))
    response = getattr(client, method)(path)
    assert response.status_code == expected[role], "%s %s as %s" % (method.upper(), path, role)

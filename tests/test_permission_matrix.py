import pytest

from tests.factories import UserFactory
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

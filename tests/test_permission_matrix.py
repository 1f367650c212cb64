import pytest

from tests.factories import UserFactory
from tests.permission_matrix import EXEMPT_PREFIXES, MATRIX, METHODS, ROLES, SIGNED_IN, rows, url_names

ROWS = {(name, method): (path, expected) for name, method, path, expected in rows()}


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = sorted(
        name for name in set(url_names()) if not name.startswith(EXEMPT_PREFIXES) and name not in MATRIX
    )
    assert missing == [], "add these to tests/permission_matrix.py: %s" % missing


def test_every_row_names_a_real_url_and_every_role():
    names = set(url_names())
    for name, method, _, expected in rows():
        assert name in names, name
        assert method in METHODS, (name, method)
        assert set(expected) == set(ROLES), (name, method)
    assert len(ROWS) == len(list(rows())), "a (url, method) has two rows"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_method_a_url_accepts_has_a_row(client, world, name):
    """A method is accepted unless some role gets 405 (a role refused or redirected before the
    method is looked at gets the same answer whatever the method, so one 405 settles it)."""
    _, _, path, _ = next(row for row in rows() if row[0] == name)
    path = path(world) if callable(path) else path
    users = {role: UserFactory(role=role) for role in SIGNED_IN}
    unlisted = []
    for method in METHODS:
        if (name, method) in ROWS:
            continue
        for role in ROLES:
            if role == "anonymous":
                client.logout()
            else:
                client.force_login(users[role])
            if getattr(client, method)(path).status_code == 405:
                break
        else:
            unlisted.append(method.upper())
    assert unlisted == [], "%s %s accepts %s: add a row for each" % (name, path, unlisted)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,method", sorted(ROWS))
def test_each_role_gets_the_expected_status(client, world, name, method, role):
    path, expected = ROWS[(name, method)]
    if callable(path):
        path = path(world)
    if role != "anonymous":
        client.force_login(UserFactory(role=role))
    response = getattr(client, method)(path)
    assert response.status_code == expected[role], "%s %s as %s" % (method.upper(), path, role)

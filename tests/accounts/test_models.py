import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from accounts import permissions
from accounts.models import Organisation, User
from accounts.services import AccountExists, user_create
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, provider, assessor, approver, registrar, agency, admin",
    [
        ("provider", True, False, False, False, False, False),
        ("assessor", False, True, False, False, True, False),
        ("approver", False, True, True, False, True, False),
        ("registrar", False, False, False, True, False, False),
        ("admin", False, False, False, False, True, True),
    ],
)
def test_each_role_answers_its_predicates(role, provider, assessor, approver, registrar, agency, admin):
    user = UserFactory(role=role)
    assert permissions.is_provider(user) is provider
    assert permissions.is_assessor(user) is assessor
    assert permissions.is_approver(user) is approver
    assert permissions.is_registrar(user) is registrar
    assert permissions.is_agency_staff(user) is agency
    assert permissions.is_admin(user) is admin
    assert user.is_staff is admin


def test_an_inactive_user_is_denied_everything():
    user = UserFactory(role="admin", is_active=False)
    assert not permissions.is_admin(user)
    assert not permissions.is_agency_staff(user)
    assert not user.has_perm("accounts.change_user")


def test_anonymous_is_denied_everything():
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    for predicate in (permissions.is_provider, permissions.is_agency_staff, permissions.is_admin):
        assert predicate(anonymous) is False


def test_only_administrators_may_use_the_django_admin():
    assert UserFactory(role="admin").has_module_perms("accounts")
    assert not UserFactory(role="approver").has_module_perms("accounts")


def test_agency_staff_join_the_agency_and_providers_their_organisation():
    assessor = user_create(email="a@agency.example", password="a-long-passphrase-1", role="assessor")
    provider = user_create(
        email="p@college.example", password="a-long-passphrase-1", role="provider", organisation_name="Lambton College"
    )
    registrar = user_create(
        email="r@uni.example", password="a-long-passphrase-1", role="registrar", organisation_name="York University"
    )
    assert assessor.organisation.kind == Organisation.Kind.AGENCY
    assert provider.organisation.kind == Organisation.Kind.PROVIDER
    assert registrar.organisation.kind == Organisation.Kind.INSTITUTION


def test_emails_are_case_insensitive_logins():
    user_create(email="Jane.Doe@College.example", password="a-long-passphrase-1", role="assessor")
    user = User.objects.get_by_natural_key("JANE.DOE@college.EXAMPLE")
    assert user.email == "jane.doe@college.example"
    with pytest.raises(AccountExists):
        user_create(email="jane.doe@college.example", password="a-long-passphrase-1", role="approver")


def test_the_database_refuses_two_emails_differing_only_in_case():
    UserFactory(email="sam@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="SAM@example.org")


def test_organisation_names_are_unique_whatever_the_case():
    OrganisationFactory(name="Seneca Polytechnic")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="SENECA POLYTECHNIC", kind="provider")


def test_a_provider_cannot_join_an_institution():
    OrganisationFactory(name="York University", kind=Organisation.Kind.INSTITUTION)
    with pytest.raises(ValidationError) as caught:
        user_create(email="p@x.example", password="a-long-passphrase-1", role="provider", organisation_name="york university")
    assert "already registered as a receiving institution" in str(caught.value)


def test_model_validation_rejects_a_role_in_the_wrong_kind_of_organisation():
    college = OrganisationFactory(name="Lambton College", kind=Organisation.Kind.PROVIDER)
    user = User(email="x@y.example", role=User.Role.ASSESSOR, organisation=college)
    with pytest.raises(ValidationError) as caught:
        user.full_clean(exclude=["password"])
    assert "organisation" in caught.value.message_dict


def test_weak_passwords_are_refused_with_the_reason():
    with pytest.raises(ValidationError) as caught:
        user_create(email="w@agency.example", password="123", role="assessor")
    assert "password" in caught.value.message_dict
    assert not User.objects.filter(email="w@agency.example").exists()


def test_the_database_is_postgresql_and_the_one_database_url_names():
    """PostgreSQL is the only dialect: CI's DATABASE_URL server, or the embedded one."""
    import os

    from django.conf import settings

    assert connection.vendor == "postgresql"
    url = os.environ.get("DATABASE_URL", "")
    if url:
        assert str(settings.DATABASES["default"]["PORT"]) in url
    else:
        assert str(settings.VAR_DIR) in settings.DATABASES["default"]["HOST"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1

"""Rules stated once in each app's permissions.py and used by the API, the pages and the
templates alike: who reads cases and micro-credentials, and when a provider sees the
recommendation."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from assessment import permissions as case_permissions
from assessment.models import Recommendation
from credentials import permissions as register_permissions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role, reads", [
    ("provider", True), ("assessor", True), ("approver", True), ("admin", True), ("registrar", False),
])
def test_cases_and_micro_credentials_are_read_by_providers_and_the_agency(role, reads):
    user = UserFactory(role=role)
    assert case_permissions.can_read_applications(user) is reads
    assert register_permissions.can_read_microcredentials(user) is reads


def test_nobody_anonymous_reads_cases_or_micro_credentials():
    assert not case_permissions.can_read_applications(AnonymousUser())
    assert not register_permissions.can_read_microcredentials(AnonymousUser())


def test_a_provider_sees_a_recommendation_only_after_sign_off():
    provider, assessor = UserFactory(role="provider"), UserFactory(role="assessor")
    recommendation = Recommendation(outcome="approve")
    assert case_permissions.can_see_recommendation(assessor, recommendation)
    assert not case_permissions.can_see_recommendation(provider, recommendation)
    assert not case_permissions.can_see_recommendation(provider, None)
    recommendation.signed_off_at = timezone.now()
    assert case_permissions.can_see_recommendation(provider, recommendation)


def test_a_provider_changes_only_its_own_micro_credentials():
    from tests.factories import MicroCredentialFactory, OrganisationFactory

    microcredential = MicroCredentialFactory()
    own = UserFactory(role="provider", organisation=microcredential.provider)
    assert register_permissions.is_own_microcredential(own, microcredential)
    other = UserFactory(role="provider", organisation=OrganisationFactory(name="Other College", kind="provider"))
    assert not register_permissions.is_own_microcredential(other, microcredential)
    assert not register_permissions.is_own_microcredential(UserFactory(role="assessor"), microcredential)

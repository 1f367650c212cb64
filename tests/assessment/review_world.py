"""Register entries due for periodic review, shared by the review sweep's tests and the review pages' tests."""

import datetime as dt

from assessment.models import Application
from tests.credentials.register_world import issue, people
from tests.factories import MicroCredentialFactory, UserFactory

DUE = dt.date(2027, 3, 2)  # issued 2026-03-02 for 12 months
DAY = dt.timedelta(days=1)


class Provider:
    """A provider organisation with two active staff and one who left."""

    def __init__(self):
        self.user = UserFactory(role="provider")
        self.colleague = UserFactory(role="provider", organisation=self.user.organisation)
        self.former = UserFactory(role="provider", organisation=self.user.organisation, is_active=False)
        self.addresses = sorted([self.user.email.lower(), self.colleague.email.lower()])


def review_entry(provider, staff=None, *, letter=False):
    return issue(staff or people(), letter=letter, microcredential=MicroCredentialFactory(created_by=provider.user))


def review_case(assessment):
    return Application.objects.filter(reviewed_assessment=assessment).exclude(state="withdrawn").get()

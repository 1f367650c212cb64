"""Simultaneous actions on one case, on PostgreSQL with real connections per thread."""

import threading

import pytest
from django.db import connections

from assessment import services
from assessment.models import Application
from config.errors import DomainError
from credentials.models import Assessment
from tests.factories import UserFactory

from .workflow_helpers import Cast


def _race(actions):
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            action()
            outcomes[index] = "won"
        except DomainError as error:
            outcomes[index] = error.status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_of_eight_simultaneous_claims_exactly_one_wins():
    application = Cast().case("submitted")
    assessors = [UserFactory(role="assessor") for _ in range(8)]
    outcomes = _race([
        (lambda a=a: services.application_claim(actor=a, application=application)) for a in assessors
    ])
    assert sorted(outcomes, key=str) == sorted(["won"] + [409] * 7, key=str)
    stored = Application.objects.get(pk=application.pk)
    assert stored.state == "in_review"
    assert stored.assigned_to == assessors[outcomes.index("won")]
    assert stored.events.filter(action="claim").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_approvers_signing_off_at_once_issue_one_assessment():
    cast = Cast()
    application = cast.case("recommended")
    outcomes = _race([
        lambda: services.application_sign_off(actor=cast.approver, application=application, comment="a"),
        lambda: services.application_sign_off(actor=cast.other_approver, application=application, comment="b"),
    ])
    assert sorted(outcomes, key=str) == sorted(["won", 409], key=str)
    assert Assessment.objects.filter(microcredential=application.microcredential).count() == 1
    assert Application.objects.get(pk=application.pk).state == "approved"

"""API fuzzing: schemathesis generates requests from /api/schema/ for every operation, sent as
every role to the WSGI app in this process. No answer may be a 5xx, and every status must be
documented in the schema (so integrators can rely on it).

Operations added later are picked up from the schema with no change here; their path ids
come from the `world` fixture through `REAL_IDS` (add a line when a new id parameter appears).
"""

import os
import random

import hypothesis.strategies as st
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from accounts.tokens import api_token_issue
from tests.factories import UserFactory
from tests.permission_matrix import ROLES

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())

# Path parameters → the world's record for them, by the collection the path names. A generated
# id mostly finds nothing (404); a real one reaches the code behind the lookup.
REAL_IDS = {
    ("microcredentials", "id"): lambda w, rng: rng.choice([w["microcredential"], w["complete_microcredential"]]).pk,
    ("microcredentials", "attachment_id"): lambda w, rng: w["attachment"].pk,
    ("applications", "id"): lambda w, rng: rng.choice([w["application"], w["complete_application"]]).pk,
    ("assessments", "reference"): lambda w, rng: w["assessment"].reference,
    ("verify", "code"): lambda w, rng: w["assessment"].verification_code,
}

# A 5xx is a defect even when documented; any other status must be one the schema documents.
CHECKS = [not_a_server_error, status_code_conformance]


def collection(path):
    return path.removeprefix("/api/v1/").split("/", 1)[0]


@pytest.fixture(autouse=True)
def one_connection():
    """The WSGI handler closes the database connection when a request ends, which would end the
    test's transaction and its data; Django's test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def unthrottled(settings):
    # Hundreds of requests a minute from one client: throttling would answer 429 and hide the rest.
    settings.THROTTLE_ANON = settings.THROTTLE_USER = "1000000/minute"


@pytest.fixture
def headers_for(world):
    def headers(role):
        if role == "anonymous":
            return {}
        # The world's provider owns its records; the other roles are fresh accounts.
        user = world["provider"] if role == "provider" else UserFactory(role=role)
        _, key = api_token_issue(user=user)
        return {"Authorization": "Token " + key}

    return headers


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@schema.given(real_ids=st.booleans(), rng=st.randoms(use_true_random=False))
# The same examples on every run (seeded by the test's name), so a CI run reproduces what it
# finds and a green run stays green; FUZZ_RANDOM=1 explores new inputs (run it when changing
# the API, and fix what it finds).
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None,
          derandomize=not os.environ.get("FUZZ_RANDOM"))
def test_every_answer_is_documented_and_never_a_server_error(case, role, real_ids, rng, world, headers_for,
                                                             unthrottled):
    if real_ids and case.path_parameters:
        for name in case.path_parameters:
            pick = REAL_IDS.get((collection(case.operation.path), name))
            if pick is not None:
                case.path_parameters[name] = pick(world, rng)
    case.call_and_validate(headers=headers_for(role), checks=CHECKS)


def test_every_operation_documents_the_throttle(world, headers_for, settings):
    """Throttling applies to every endpoint, so every operation must document 429; a role
    refused before the throttle is counted (401/403) gets that answer instead."""
    settings.THROTTLE_ANON = settings.THROTTLE_USER = "0/minute"
    for result in schema.get_all_operations():
        operation = result.ok()
        path_parameters = {
            name: pick(world, random.Random(0))
            for (where, name), pick in REAL_IDS.items()
            if where == collection(operation.path) and name in operation.path
        }
        answers = set()
        for role in ROLES:
            case = operation.Case(path_parameters=path_parameters or None)
            response = case.call(headers=headers_for(role))
            case.validate_response(response, checks=[status_code_conformance])
            answers.add(response.status_code)
        assert 429 in answers, "%s %s: %s" % (operation.method.upper(), operation.path, sorted(answers))

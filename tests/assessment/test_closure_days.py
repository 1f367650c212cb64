"""Closure days: the model, its services and admin, and the cached agency calendar."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from assessment import calendar as agency
from assessment.admin import RECOMPUTE_NOTE
from assessment.calendar import VERSION_KEY, agency_calendar, calendar_changed
from assessment.models import ClosureDay
from assessment.services import (
    closure_day_create,
    closure_day_delete,
    closure_day_update,
    open_clocks_recompute,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 2, 19)  # a Friday


def test_a_created_closure_day_reaches_the_calendar_once_committed(django_capture_on_commit_callbacks):
    assert agency_calendar().is_business_day(DAY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        closure_day_create(date=DAY, reason="  Staff training  ")
    assert [callback.__name__ for callback in callbacks] == ["calendar_changed", "open_clocks_recompute"]
    assert ClosureDay.objects.get().reason == "Staff training"
    assert not agency_calendar().is_business_day(DAY)


def test_moving_and_deleting_a_closure_day_update_the_calendar(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        closure_day = closure_day_create(date=DAY, reason="Move")
    with django_capture_on_commit_callbacks(execute=True):
        closure_day_update(closure_day=closure_day, date=DAY + dt.timedelta(days=3), reason="Moved")
    assert agency_calendar().is_business_day(DAY)
    assert not agency_calendar().is_business_day(DAY + dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        closure_day_delete(closure_day=closure_day)
    assert agency_calendar().closure_days == frozenset()


def test_the_calendar_is_not_changed_before_the_change_commits(django_capture_on_commit_callbacks):
    before = agency_calendar()
    with django_capture_on_commit_callbacks(execute=False):
        closure_day_create(date=DAY, reason="Not yet committed")
        assert agency_calendar() is before


def test_a_closure_day_is_unique_and_needs_a_reason():
    closure_day_create(date=DAY, reason="Training")
    with pytest.raises(ValidationError):
        closure_day_create(date=DAY, reason="Again")
    with pytest.raises(ValidationError):
        closure_day_create(date=DAY + dt.timedelta(days=1), reason=" ")


def test_the_calendar_is_cached_until_closure_days_change():
    first = agency_calendar()
    assert agency_calendar() is first
    calendar_changed()
    assert agency_calendar() is not first


def test_a_change_published_by_another_process_is_picked_up():
    first = agency_calendar()
    ClosureDay.objects.create(date=DAY, reason="Written elsewhere")
    cache.set(VERSION_KEY, "another-process-changed-it", timeout=None)
    assert not agency_calendar().is_business_day(DAY)
    assert agency_calendar() is not first


def test_a_cleared_cache_only_costs_a_rebuild():
    first = agency_calendar()
    cache.clear()
    assert agency_calendar() is not first
    assert agency_calendar() is agency._cached[1]


def test_a_closure_day_moves_the_due_date_of_open_cases_only(django_capture_on_commit_callbacks):
    import time_machine

    from assessment.services import application_submit
    from tests.factories import ApplicationFactory, MicroCredentialFactory

    provider = UserFactory(role="provider")
    # Submitted Monday 2 November 2026: due on the 10th business day, Monday 16 November.
    with time_machine.travel(dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC), tick=False):
        open_case = application_submit(
            actor=provider, application=ApplicationFactory(microcredential=MicroCredentialFactory(created_by=provider))
        )
        assert open_case.sla_due_date == dt.date(2026, 11, 16)
        with django_capture_on_commit_callbacks(execute=True):
            closure_day_create(date=dt.date(2026, 11, 5), reason="Office move")
        open_case.refresh_from_db()
        assert open_case.sla_due_date == dt.date(2026, 11, 17)
        # Nothing changed since: a second run writes nothing.
        assert open_clocks_recompute() == 0


# The admin --------------------------------------------------------------------------------


def test_only_administrators_manage_closure_days(client):
    for role in ["provider", "assessor", "approver", "registrar"]:
        client.force_login(UserFactory(role=role))
        assert client.get("/admin/assessment/closureday/").status_code == 302
    client.force_login(UserFactory(role="admin"))
    assert client.get("/admin/assessment/closureday/").status_code == 200


def test_the_admin_says_that_only_open_cases_are_recomputed(client):
    client.force_login(UserFactory(role="admin"))
    assert str(RECOMPUTE_NOTE) in client.get("/admin/assessment/closureday/").content.decode()
    assert str(RECOMPUTE_NOTE) in client.get("/admin/assessment/closureday/add/").content.decode()
    assert "open cases only" in RECOMPUTE_NOTE and "decided cases keep their met or missed" in RECOMPUTE_NOTE


def test_adding_a_closure_day_in_the_admin_changes_the_calendar(client, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(role="admin"))
    agency_calendar()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            "/admin/assessment/closureday/add/", {"date": "2027-02-19", "reason": "Staff training"}, follow=True
        )
    assert response.status_code == 200
    assert str(RECOMPUTE_NOTE) in response.content.decode()
    assert ClosureDay.objects.filter(date=DAY).exists()
    assert "open_clocks_recompute" in [callback.__name__ for callback in callbacks]
    assert not agency_calendar().is_business_day(DAY)


def test_deleting_closure_days_in_the_admin_changes_the_calendar(client, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(role="admin"))
    days = [ClosureDay.objects.create(date=DAY + dt.timedelta(days=n), reason="Closed") for n in (0, 3)]
    calendar_changed()
    assert not agency_calendar().is_business_day(DAY)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/assessment/closureday/",
            {"action": "delete_selected", "_selected_action": [day.pk for day in days], "post": "yes"},
        )
    assert not ClosureDay.objects.exists()
    assert agency_calendar().is_business_day(DAY)
    closure_day = ClosureDay.objects.create(date=DAY, reason="Closed")
    calendar_changed()
    assert not agency_calendar().is_business_day(DAY)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/assessment/closureday/%d/delete/" % closure_day.pk, {"post": "yes"})
    assert not ClosureDay.objects.exists()
    assert agency_calendar().is_business_day(DAY)

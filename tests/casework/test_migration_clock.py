"""Migration 0009 (the round-the-clock clock) gives the problems already accepted their first
response time from their first acceptance event; the others have none."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests import testdb

BEFORE = [("casework", "0008_verbose_names")]
AFTER = [("casework", "0009_project_service")]


def _migrate(targets):
    return testdb.migrate_to(targets)


@pytest.fixture
def back_to_the_latest():
    yield
    # A copy of the migrated template again (tests/testdb.py), instead of migrating forwards.
    testdb.back_to_the_template()


@pytest.mark.django_db(transaction=True)
def test_accepted_problems_get_their_first_response(world, back_to_the_latest):
    old = _migrate(BEFORE)
    Problem, Event = old.get_model("casework", "Problem"), old.get_model("casework", "ProblemEvent")
    first = dt.datetime(2020, 6, 5, 22, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    values = {"enterprise_id": world.firm_a.pk, "category": "energy", "raised_via": "phone"}
    accepted = Problem.objects.create(title="停电", status="in_progress", **values)
    waiting = Problem.objects.create(title="咨询", status="submitted", **values)
    for problem in (accepted, waiting):
        Event.objects.create(problem=problem, move="submitted", to_state="submitted")
    Event.objects.create(problem=accepted, move="accepted", to_state="accepted", at=first)
    Event.objects.create(
        problem=accepted, move="accepted", to_state="accepted", at=first + dt.timedelta(days=2)
    )  # accepted again after a transfer: not the first response

    new = _migrate(AFTER)

    rows = new.get_model("casework", "Problem").objects
    assert rows.get(pk=accepted.pk).responded_at == first
    assert rows.get(pk=waiting.pk).responded_at is None

"""Migration 0004 (ProblemEvent onto core.workflow's TransitionEvent) keeps every event row."""

import pytest

from tests import testdb

BEFORE = [("casework", "0003_plan_actions")]
AFTER = [("casework", "0004_problem_event_transition_event")]


def _migrate(targets):
    return testdb.migrate_to(targets)


@pytest.fixture
def back_to_the_latest():
    """Leave the schema as the other tests of this process expect it: every migration applied
    (the test stops at 0004; later migrations add columns)."""
    yield
    # A copy of the migrated template again (tests/testdb.py), instead of migrating forwards.
    testdb.back_to_the_template()


@pytest.mark.django_db(transaction=True)
def test_renamed_event_columns_keep_their_rows_and_name_the_user(world, back_to_the_latest):
    """from_status/to_status become from_state/to_state with the same values; a step taken by
    a user gets that user's name, one without a user keeps a blank name."""
    old = _migrate(BEFORE)
    Problem, Event = old.get_model("casework", "Problem"), old.get_model("casework", "ProblemEvent")
    problem = Problem.objects.create(
        enterprise_id=world.firm_a.pk,
        category="finance",
        title="流动资金紧张",
        raised_via="visit",
        status="accepted",
    )
    Event.objects.create(problem=problem, move="submitted", from_status="", to_status="submitted")
    Event.objects.create(
        problem=problem,
        move="accepted",
        from_status="submitted",
        to_status="accepted",
        actor_id=world.users["officer"].pk,
    )

    new = _migrate(AFTER)

    rows = new.get_model("casework", "ProblemEvent").objects.filter(problem_id=problem.pk)
    assert list(rows.order_by("id").values_list("from_state", "to_state", "actor_name")) == [
        ("", "submitted", ""),
        ("submitted", "accepted", "officer"),
    ]


@pytest.mark.django_db(transaction=True)
def test_deadlines_counted_on_ordinary_weeks_are_flagged(world, back_to_the_latest):
    """Migration 0007: a stored deadline in a year without calendar rows was counted on
    ordinary weeks before the package was the base, and is flagged; one in a year with rows,
    and a problem without a deadline, are not."""
    import datetime as dt

    old = _migrate([("casework", "0006_edit_version")])
    Problem, CalendarDay = (old.get_model("casework", m) for m in ("Problem", "CalendarDay"))
    CalendarDay.objects.all().delete()
    CalendarDay.objects.create(date=dt.date(2020, 10, 1), kind="holiday", name="国庆节")
    made = {}
    for title, due in [
        ("2020年", dt.date(2020, 10, 9)),
        ("2021年", dt.date(2021, 2, 18)),
        ("无", None),
    ]:
        made[title] = Problem.objects.create(
            enterprise_id=world.firm_a.pk,
            category="finance",
            title=title,
            raised_via="visit",
            status="accepted" if due else "confirmed",
            due_at=due,
        ).pk

    new = _migrate([("casework", "0007_problem_due_uncertain")])

    flags = dict(new.get_model("casework", "Problem").objects.values_list("pk", "due_uncertain"))
    assert {title: flags[pk] for title, pk in made.items()} == {
        "2020年": False,
        "2021年": True,
        "无": False,
    }

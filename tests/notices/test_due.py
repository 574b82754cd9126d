"""What is due for a user comes from the apps' own providers (discovered, not listed): the
officer's firms to contact, the problem deadlines waiting on them, the benefit steps waiting on
them or on the firm."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from zonedesk.casework import services as casework
from zonedesk.notices import registry, selectors

pytestmark = pytest.mark.django_db


def _entitlement(world, state="identified", mode="application"):
    return factories.entitlement(world, world.firm_a, state=state, mode=mode)


def test_the_providers_are_discovered_from_the_apps():
    found = {(p.kind, p.items) for p in registry.providers()}
    assert ("contact_due", "zonedesk.casework.due.contacts") in found
    assert ("problem_due", "zonedesk.casework.due.problem_deadlines") in found
    assert ("benefit_step", "zonedesk.policies.due.benefit_steps") in found


def test_an_officers_never_contacted_firm_is_due_for_them_only(world):
    today = timezone.localdate()
    mine = selectors.due_for(world.users["officer"], today=today, kinds={"contact_due"})
    assert [i.title for i in mine] == [f"Contact {world.firm_a.name}"]
    assert mine[0].detail == "Never contacted"
    assert mine[0].link == f"/casework/firms/{world.firm_a.pk}/contact/"
    # the leader sees the zone's on the escalation page, not as their own to do
    assert selectors.due_for(world.users["leader"], today=today, kinds={"contact_due"}) == []
    assert selectors.due_for(world.users["officer2"], today=today, kinds={"contact_due"}) == []


def test_a_contacted_firm_is_not_due(world):
    today = timezone.localdate()
    casework.contact_log(
        actor=world.users["officer"], enterprise=world.firm_a, date=today, kind="on_site"
    )
    assert selectors.due_for(world.users["officer"], today=today, kinds={"contact_due"}) == []


def test_a_problem_deadline_is_due_for_the_firms_officer(world):
    today = timezone.localdate()
    problem = factories.problem(world.firm_a)
    problem.due_at = today - dt.timedelta(days=2)
    problem.save(update_fields=["due_at"])
    far = factories.problem(world.firm_a, title="远期诉求")
    far.due_at = today + dt.timedelta(days=30)
    far.save(update_fields=["due_at"])

    [item] = selectors.due_for(world.users["officer"], today=today, kinds={"problem_due"})
    assert item.overdue and item.due_on == problem.due_at
    assert item.link == f"/casework/problems/{problem.pk}/"
    assert selectors.due_for(world.users["officer2"], today=today, kinds={"problem_due"}) == []


def test_benefit_steps_wait_on_the_officer_and_the_firm_when_told(world):
    today = timezone.localdate()
    _entitlement(world, state="notified")
    [item] = selectors.due_for(world.users["officer"], today=today, kinds={"benefit_step"})
    assert item.link == f"/policies/firms/{world.firm_a.pk}/"
    assert "1 benefits" in item.title
    [firms] = selectors.due_for(world.users["enterprise"], today=today, kinds={"benefit_step"})
    assert firms.link == item.link
    assert selectors.due_for(world.users["officer2"], today=today, kinds={"benefit_step"}) == []


def test_a_benefit_paid_without_application_waits_on_nobody_at_the_firm(world):
    _entitlement(world, state="notified", mode="automatic")
    today = timezone.localdate()
    assert selectors.due_for(world.users["enterprise"], today=today, kinds={"benefit_step"}) == []

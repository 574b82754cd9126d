"""Two leaders decide one re-plan at once (pfix, item 3): `replan_decide` is one transaction that
locks the re-plan's row first, so exactly one decision is applied and the other is refused.
Real threads with their own connections, on the database of the run (SQLite by default,
PostgreSQL with DATABASE_URL)."""

import datetime as dt
import threading

import pytest
from django.db import connections, transaction
from django.utils import timezone

from tests import factories
from tests.security.test_versions_concurrency import race
from zonedesk.core.models import AuditEntry
from zonedesk.core.workflow import TransitionRefused
from zonedesk.projects import services
from zonedesk.projects.models import ProjectNode, Replan, ReplanEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting(world) -> Replan:
    project = factories.project(
        world.zone_a,
        signed_on=timezone.localdate() - dt.timedelta(days=10),
        service_officer=world.users["officer"],
    )
    start = ProjectNode.objects.get(project=project, code="start")
    return services.replan_request(
        actor=world.users["officer"],
        node=start,
        to_on=start.planned_on + dt.timedelta(days=30),
        reason="征地协调延后",
    )


def _decide(user, pk, decision, note=""):
    def call():
        return services.replan_decide(
            actor=user, replan=Replan.objects.get(pk=pk), decision=decision, note=note
        )

    return call


def test_two_leaders_deciding_at_once_one_decision_is_applied(world):
    replan = _waiting(world)
    node = replan.node

    results = race(
        _decide(world.users["leader"], replan.pk, "approved"),
        _decide(world.users["city_leader"], replan.pk, "refused", "条件不具备"),
    )

    assert sorted(kind for kind, _value in results) == ["error", "ok"], results
    refusal = next(value for kind, value in results if kind == "error")
    assert isinstance(refusal, TransitionRefused), refusal
    stored = Replan.objects.get(pk=replan.pk)
    winner = next(value for kind, value in results if kind == "ok")
    assert stored.status == winner.status and stored.decided_by == winner.decided_by
    assert [e.move for e in ReplanEvent.objects.filter(replan=replan).order_by("id")] == [
        "requested",
        stored.status,
    ]
    moved = ProjectNode.objects.get(pk=node.pk).planned_on
    assert moved == (replan.to_on if stored.status == "approved" else replan.from_on)
    steps = AuditEntry.objects.filter(target_type="projects.replan", target_id=str(replan.pk))
    assert steps.count() == 2  # the request and the one decision


def test_the_second_decision_waits_for_the_first_then_is_refused(world):
    replan = _waiting(world)
    decided, release = threading.Event(), threading.Event()
    second: dict = {}

    def first():
        try:
            with transaction.atomic():
                _decide(world.users["leader"], replan.pk, "approved")()
                decided.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    def other():
        try:
            decided.wait(timeout=10)
            _decide(world.users["city_leader"], replan.pk, "approved")()
            second["result"] = "applied"
        except TransitionRefused as exc:
            second["result"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=other)]
    for t in threads:
        t.start()
    decided.wait(timeout=10)
    threads[1].join(timeout=1)
    assert threads[1].is_alive()  # waiting for the first leader's transaction
    release.set()
    for t in threads:
        t.join(timeout=30)

    assert isinstance(second["result"], TransitionRefused), second
    stored = Replan.objects.get(pk=replan.pk)
    assert (stored.status, stored.decided_by) == ("approved", world.users["leader"])
    assert ReplanEvent.objects.filter(replan=replan, move="approved").count() == 1

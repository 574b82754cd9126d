"""Every status flow, generated from its table: the table is well formed, every allowed move
moves and is recorded once (event row and audit entry), every other move is refused and changes
nothing. A new flow is covered once it is declared (core.workflow.FLOWS) and has a driver in
tests/workflows.py."""

from types import SimpleNamespace

import pytest
from django.utils.module_loading import autodiscover_modules

from tests.workflows import DRIVERS
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.core.workflow import FLOWS, TransitionEvent, TransitionRefused

autodiscover_modules("flows")

ALLOWED = [(name, s, m) for name, flow in sorted(FLOWS.items()) for s, m in flow.pairs()]
REFUSED = [(name, s, m) for name, flow in sorted(FLOWS.items()) for s, m in flow.refused_pairs()]


@pytest.fixture
def world(shared_world):
    """The module's world, built once (tests/conftest.py: shared_world)."""
    return shared_world


def test_every_app_flow_is_found():
    """The flows of the apps that have one are declared and registered."""
    assert {"casework.problem", "policies.entitlement", "monitoring.figure"} <= set(FLOWS)


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_table_is_well_formed(name):
    """States are the model's; moves lead to states; every state can be reached from the start;
    every role has a refusal message; every move that is not a state has a label; the events go
    to an event table that points at the record."""
    flow = FLOWS[name]
    states = set(flow.states.values)
    assert set(flow.table) <= states
    for state, move in flow.pairs():
        assert flow.target(state, move) in states, (state, move)
        assert flow.table[state][move].who in flow.refusals, (state, move)
        assert move in states or move in flow.labels, move
    assert flow.reachable() >= set(flow.table), set(flow.table) - flow.reachable()
    assert issubclass(flow.event_model, TransitionEvent)
    assert flow.event_model._meta.get_field(flow.subject).related_model is not None


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_every_flow_has_a_driver(name):
    """A declared flow without a driver would go untested."""
    assert name in DRIVERS


@pytest.mark.parametrize(("name", "state", "move"), REFUSED)
def test_table_refuses_what_it_does_not_list(name, state, move):
    """`check` refuses a move the table does not list, naming the state, before anything else."""
    flow = FLOWS[name]
    record = SimpleNamespace(**{flow.field: state})
    with pytest.raises(TransitionRefused) as refused:
        flow.check(actor=SYSTEM, obj=record, move=move)
    assert (refused.value.state, refused.value.move) == (state, move)
    assert flow.label(state) in refused.value.message


def _recorded(flow, record) -> tuple[int, int]:
    return (
        flow.event_model.objects.filter(**{flow.subject: record}).count(),
        AuditEntry.objects.filter(
            target_type=record._meta.label_lower, target_id=str(record.pk)
        ).count(),
    )


@pytest.mark.parametrize(("name", "state", "move"), ALLOWED)
def test_allowed_move_moves_and_is_recorded(world, name, state, move):
    """Each allowed move leads to its state and writes one event row and one audit entry."""
    flow, drive = FLOWS[name], DRIVERS[name]
    ctx = drive.setup(world)
    record = drive.reach(ctx, state)
    events, entries = _recorded(flow, record)

    moved = drive.take(ctx, record, move)

    assert flow.state_of(moved) == flow.target(state, move)
    assert _recorded(flow, record) == (events + 1, entries + 1)
    event = flow.event_model.objects.filter(**{flow.subject: record}).latest("id")
    assert (event.move, event.from_state, event.to_state) == (move, state, flow.state_of(moved))
    # The record's own entry: a move may also audit other rows of the same id (a decided
    # re-plan marks its notices read).
    entry = AuditEntry.objects.filter(
        target_type=record._meta.label_lower, target_id=str(record.pk)
    ).latest("id")
    assert entry.changes["step"] == [state, move]


@pytest.mark.parametrize(("name", "state", "move"), REFUSED)
def test_refused_move_changes_nothing(world, name, state, move):
    """A move the table does not allow is refused by the app's service and changes nothing."""
    flow, drive = FLOWS[name], DRIVERS[name]
    ctx = drive.setup(world)
    record = drive.reach(ctx, state)
    before = _recorded(flow, record)

    with pytest.raises(TransitionRefused):
        drive.take(ctx, record, move)

    record.refresh_from_db()
    assert (flow.state_of(record), _recorded(flow, record)) == (state, before)

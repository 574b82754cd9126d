"""The steps of a benefit are rows of the one event shape (core.workflow.TransitionEvent), and the
library's documents and measures are written from frozen dataclasses."""

import datetime as dt
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.workflow import TransitionRefused
from zonedesk.policies import services
from zonedesk.policies.models import Entitlement, EntitlementEvent

pytestmark = pytest.mark.django_db


def _eligible_pair(world, **measure) -> Entitlement:
    """firm_a, eligible under a province measure in force."""
    document = factories.province_document(world)
    data = {"clause": "第一条", "title": "稳岗补贴（合成）", "benefit_type": "subsidy", **measure}
    made = services.measure_create(
        actor=SYSTEM,
        document=document,
        data=services.MeasureData(eligibility="employees >= 5", **data),
    )
    return Entitlement.objects.get(enterprise=world.firm_a, measure=made)


def test_a_step_records_the_move_the_actor_by_name_and_the_amount(world):
    officer = world.users["officer"]
    pair = _eligible_pair(world)
    services.entitlement_move(actor=officer, entitlement=pair, to="notified")
    services.entitlement_move(
        actor=officer, entitlement=pair, to="approved", amount_wan=Decimal("12.50")
    )
    steps = list(
        EntitlementEvent.objects.filter(entitlement=pair).values_list(
            "move", "from_state", "to_state", "actor_name", "amount_wan"
        )
    )
    assert steps == [
        ("notified", "identified", "notified", "officer", None),
        ("approved", "notified", "approved", "officer", Decimal("12.50")),
    ]


def test_a_firm_that_no_longer_qualifies_is_refused_approval_with_the_reason(world):
    pair = _eligible_pair(world)
    pair = services.entitlement_move(actor=SYSTEM, entitlement=pair, to="notified")
    Entitlement.objects.filter(pk=pair.pk).update(decision="not_eligible")
    pair.refresh_from_db()
    with pytest.raises(TransitionRefused) as refused:
        services.entitlement_move(
            actor=SYSTEM, entitlement=pair, to="approved", amount_wan=Decimal("1")
        )
    assert refused.value.message == "按现行规则该企业不符合条件。"  # the message of before
    assert services.next_moves(world.users["officer"], pair) == ["applied"]


def test_events_before_the_shared_shape_take_the_move_named_like_their_state(world):
    """Migration 0006's data step: the move of an older event is its new state, and the name
    of the user who made it is kept beside the foreign key."""
    pair = _eligible_pair(world)
    older = EntitlementEvent.objects.create(
        entitlement=pair, to_state="notified", actor=world.users["officer"]
    )
    by_system = EntitlementEvent.objects.create(entitlement=pair, to_state="declined")
    migration = import_module("zonedesk.policies.migrations.0006_entitlement_event_transition")

    migration.fill_moves(apps, None)

    older.refresh_from_db()
    by_system.refresh_from_db()
    assert (older.move, older.actor_name) == ("notified", "officer")
    assert (by_system.move, by_system.actor_name) == ("declined", "")


def test_a_document_is_written_from_its_dataclass_or_from_keywords_alike(world):
    fields = {
        "level": "province",
        "area": world.sichuan,
        "issuer": "省政府（合成）",
        "title": "同一文件（合成）",
        "valid_from": dt.date(2020, 2, 1),
    }
    from_data = services.document_create(actor=SYSTEM, data=services.DocumentData(**fields))
    from_keywords = services.document_create(actor=SYSTEM, **fields)
    assert [
        getattr(from_data, name) == getattr(from_keywords, name)
        for name in services.DOCUMENT_FIELDS
    ] == [True] * len(services.DOCUMENT_FIELDS)
    with pytest.raises(TypeError):
        services.document_create(actor=SYSTEM, data=services.DocumentData(**fields), title="x")

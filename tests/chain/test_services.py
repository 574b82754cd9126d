"""Chains from data, firms suggested onto nodes, confirmed, rejected and placed: permission,
audit, no lost update."""

from decimal import Decimal

import pytest

from tests import factories
from zonedesk.chain import services
from zonedesk.chain.models import Chain, NodeFirm
from zonedesk.chain.services import ChainData, NodeData
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NODES = (
    NodeData("up", "上游", "up"),
    NodeData("metal", "金属制品", "up", "up", industries=("C33",)),
    NodeData("food", "食品", "mid", industries=("1391",)),
    NodeData("elec", "电子", "down", key_products="电子元件、芯片"),
)


def make_chain(world, nodes=NODES, actor=SYSTEM) -> Chain:
    return services.chain_save(
        actor=actor,
        data=ChainData(code="test", name="测试产业链", zone=world.zone_a, nodes=nodes),
    )


def test_chain_saved_with_its_tree_and_audited(world):
    chain = make_chain(world)
    nodes = {n.code: n for n in chain.nodes.all()}
    assert nodes["metal"].parent == nodes["up"]
    assert list(nodes["metal"].industries.values_list("industry_code", flat=True)) == ["33"]
    assert AuditEntry.objects.filter(target_type="chain.chain", action="create").count() == 1
    # Saved again with a node less: the node goes, the others stay (same rows).
    again = services.chain_save(
        actor=SYSTEM,
        data=ChainData(code="test", name="测试产业链", zone=world.zone_a, nodes=NODES[:3]),
        expected_version=chain.version,
    )
    assert set(again.nodes.values_list("code", flat=True)) == {"up", "metal", "food"}
    assert again.nodes.get(code="metal").pk == nodes["metal"].pk


@pytest.mark.parametrize(
    ("nodes", "field"),
    [
        ((NodeData("a", "甲", "up"), NodeData("a", "乙", "up")), "code"),
        ((NodeData("a", "甲", "up", "zz"),), "parent"),
        ((NodeData("a", "甲", "up", "b"), NodeData("b", "乙", "up", "a")), "parent"),
        ((NodeData("a", "甲", "up", industries=("9999",)),), "industries"),
        ((NodeData("a", "甲", "up", industries=("C",)),), "industries"),
    ],
)
def test_bad_tree_is_refused_and_nothing_written(world, nodes, field):
    with pytest.raises(ValidationFailed) as exc:
        make_chain(world, nodes)
    assert field in str(exc.value)
    assert not Chain.objects.exists()


def test_suggest_by_industry_prefix_and_products(world):
    """firm_a (3311) sits under 33; firm_a2 (1391) under food; a firm whose products name 电子元件
    is suggested on elec; zone_b's firm never."""
    chip = factories.firm(world.zone_a, "甲三电子有限公司", industry_code="3971")
    chip.main_products = "电子元件、传感器"
    chip.save()
    chain = make_chain(world)
    result = services.firms_suggest(actor=SYSTEM, chain=chain, expected_version=chain.version)
    placed = {
        (p.node.code, p.enterprise_id, p.basis, p.state)
        for p in NodeFirm.objects.select_related("node")
    }
    assert placed == {
        ("metal", world.firm_a.pk, "industry", "suggested"),
        ("food", world.firm_a2.pk, "industry", "suggested"),
        ("elec", chip.pk, "product", "suggested"),
    }
    assert result.added == 3
    # Again: nothing new, a rejected firm is not suggested again.
    p = NodeFirm.objects.get(enterprise=world.firm_a)
    chain.refresh_from_db()
    services.firm_decide(actor=SYSTEM, placement=p, state="rejected", expected_version=None)
    chain.refresh_from_db()
    assert services.firms_suggest(actor=SYSTEM, chain=chain, expected_version=None).added == 0
    assert NodeFirm.objects.get(pk=p.pk).state == "rejected"


def test_confirm_is_audited_and_a_stale_page_refused(world):
    chain = make_chain(world)
    services.firms_suggest(actor=SYSTEM, chain=chain, expected_version=chain.version)
    chain.refresh_from_db()
    read = chain.version
    p = NodeFirm.objects.select_related("node__chain").get(enterprise=world.firm_a)
    officer = world.users["officer"]
    services.firm_decide(actor=officer, placement=p, state="confirmed", expected_version=read)
    p.refresh_from_db()
    assert p.state == "confirmed" and p.decided_by == officer and p.decided_at
    entry = AuditEntry.objects.filter(target_type="chain.chain", actor=officer).get()
    assert list(entry.changes.values()) == [["suggested", "confirmed"]]
    assert entry.zone_id == world.zone_a.pk
    # A second officer's page read at the same version: refused, nothing changed.
    other = NodeFirm.objects.select_related("node__chain").get(enterprise=world.firm_a2)
    with pytest.raises(StaleVersion):
        services.firm_decide(
            actor=world.users["leader"], placement=other, state="rejected", expected_version=read
        )
    assert NodeFirm.objects.get(pk=other.pk).state == "suggested"


@pytest.mark.parametrize("role", ["department", "enterprise", "bank", "auditor", "officer_b"])
def test_only_the_units_staff_place_firms(world, role):
    chain = make_chain(world)
    services.firms_suggest(actor=SYSTEM, chain=chain, expected_version=None)
    p = NodeFirm.objects.select_related("node__chain").first()
    with pytest.raises(PermissionDenied):
        services.firm_decide(
            actor=world.users[role], placement=p, state="confirmed", expected_version=None
        )
    assert NodeFirm.objects.get(pk=p.pk).state == "suggested"


def test_place_by_hand_and_confirm_all(world):
    chain = make_chain(world)
    elec = chain.nodes.get(code="elec")
    p = services.firm_place(
        actor=world.users["leader"], node=elec, enterprise=world.firm_a, expected_version=None
    )
    assert (p.state, p.basis) == ("confirmed", "manual")
    with pytest.raises(ValidationFailed):  # another province's firm
        chain.refresh_from_db()
        services.firm_place(
            actor=SYSTEM, node=elec, enterprise=world.firm_b, expected_version=chain.version
        )
    chain.refresh_from_db()
    services.firms_suggest(actor=SYSTEM, chain=chain, expected_version=None)
    food = chain.nodes.get(code="food")
    chain.refresh_from_db()
    n = services.firms_confirm_suggested(
        actor=world.users["officer"], node=food, expected_version=chain.version
    )
    assert n == 1
    assert NodeFirm.objects.get(node=food).state == "confirmed"


def test_thresholds_are_checked(world):
    with pytest.raises(ValidationFailed):
        services.chain_save(
            actor=SYSTEM,
            data=ChainData(
                code="t", name="链", zone=world.zone_a, dominant_share=Decimal("1.5"), nodes=()
            ),
        )

"""The chains' health as the selectors compute it (figures packed and summed once per
placement, placements read per node, the latest month by EXISTS, no visibility join for a user
who sees every zone) against the straightforward computation: per node, its sub-tree's
confirmed firms the user sees, read from the tables, and `health.measure` over their figures
read through `firm_figures` — on a small generated province, as a zone's leader, the
province's leader and a superuser."""

import random
from decimal import Decimal

import pytest

from tests import factories
from zonedesk.chain import health
from zonedesk.chain.models import Chain, ChainNode, NodeFirm
from zonedesk.chain.selectors import chain_map, firm_figures, healths, latest_month, placed_firms
from zonedesk.demo import scale
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.monitoring import selectors as monitoring
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.org.models import Area, Role, Zone

pytestmark = pytest.mark.django_db


def _world():
    """1,100 synthetic firms in three zones with 13 months of figures (some firms new, some
    without last year's month, some not reporting the latest month), two province chains and
    a zone's chain, firms on one node or on several (in one sub-tree and apart), and one firm
    of a zone outside the province put on a province chain behind the services' back."""
    scale.generate(1100)
    scale.generate_figures(13)
    rng = random.Random(20)
    province = Area.objects.get(code=scale.PROVINCE)
    zones = list(Zone.objects.filter(area__code__startswith="99").order_by("code"))
    firms = list(Enterprise.objects.filter(zone__in=zones).order_by("pk"))
    latest = MonthlyFigure.objects.order_by("-period").values_list("period", flat=True)[0]
    # Firms that did not report the latest month, and firms new this year (a start date in
    # the window; the generator's own start dates give the rest).
    MonthlyFigure.objects.filter(period=latest, enterprise__in=rng.sample(firms, 40)).delete()
    for f in rng.sample(firms, 30):
        Enterprise.objects.filter(pk=f.pk).update(production_start=latest)
    other = factories.area("510000", "四川省", Area.Level.PROVINCE)
    outside = factories.firm(Zone.objects.create(code="x-outside", name="省外园区", area=other))
    chains = [
        Chain.objects.create(area=province, code="p1", name="省链一"),
        Chain.objects.create(area=province, code="p2", name="省链二", weak_below_firms=40),
        Chain.objects.create(zone=zones[0], code="z1", name="园区链"),
    ]
    for chain in chains:
        nodes: list[ChainNode] = []
        for i in range(14):
            parent = rng.choice([None, *nodes[:i]]) if i > 2 else None
            nodes.append(
                ChainNode.objects.create(
                    chain=chain,
                    parent=parent,
                    code=f"n{i}",
                    name=f"环节{i}",
                    seq=i,
                    in_target=rng.random() > 0.2,
                )
            )
        pool = firms if chain.area_id else [f for f in firms if f.zone_id == zones[0].pk]
        for node in nodes:
            if rng.random() < 0.15:
                continue  # a gap (or an empty node outside the target)
            chosen = rng.sample(pool, rng.choice([1, 2, 5, 30, 120]))
            for f in chosen:
                state = rng.choice(["confirmed"] * 6 + ["suggested", "rejected"])
                NodeFirm.objects.create(node=node, enterprise=f, state=state, basis="industry")
        # Firms on two nodes of one chain: the same 25 firms again on three more nodes.
        again = rng.sample(pool, 25)
        for node in rng.sample(nodes, 3):
            for f in again:
                NodeFirm.objects.get_or_create(
                    node=node, enterprise=f, defaults={"state": "confirmed"}
                )
    NodeFirm.objects.create(node=chains[0].nodes.first(), enterprise=outside, state="confirmed")
    MonthlyFigure.objects.create(
        enterprise=outside,
        period=latest,
        output_value_wan=Decimal("999999.00"),
        employees=9,
    )
    leaders = {
        "zone": factories.user("z-leader", [Role.LEADER], zone=zones[0]),
        "province": factories.user("p-leader", [Role.LEADER], area=province),
    }
    return chains, leaders


def _straightforward(user, chains):
    """Per node: its sub-tree's confirmed firms the user sees, and `measure` over them."""
    period = monitoring.latest_period_of(placed_firms(user, chains))
    figures = firm_figures(user, placed_firms(user, chains), period)
    visible = set(enterprise_scope(user).values_list("pk", flat=True))
    found = {}
    for chain in chains:
        th = health.Thresholds(chain.weak_below_firms, chain.dominant_share)
        nodes = list(chain.nodes.all())
        out = {}
        roots = []
        for node in nodes:
            own = set(
                node.firms.filter(state=NodeFirm.State.CONFIRMED).values_list(
                    "enterprise_id", flat=True
                )
            )
            ids, todo = set(), [node]
            while todo:
                n = todo.pop()
                ids |= set(
                    n.firms.filter(state=NodeFirm.State.CONFIRMED).values_list(
                        "enterprise_id", flat=True
                    )
                )
                todo += list(n.children.all())
            ids &= visible
            out[node.pk] = health.measure(
                node.pk,
                frozenset(ids),
                figures,
                in_target=node.in_target,
                own_firms=len(own & visible),
                thresholds=th,
            )
            if node.parent_id is None:
                roots.append(node.pk)
        every = frozenset().union(*(out[r].firm_ids for r in roots))
        out[0] = health.measure(0, every, figures, in_target=False, thresholds=th)
        found[chain.pk] = out
    return period, found


def _same(fast: health.NodeHealth, slow: health.NodeHealth) -> None:
    assert fast == slow, fast.node_id
    for name in ("output_wan", "comparable_output_wan", "comparable_last_year_wan", "hhi"):
        assert str(getattr(fast, name)) == str(getattr(slow, name)), (fast.node_id, name)
    assert str(fast.largest_share) == str(slow.largest_share), fast.node_id


@pytest.mark.parametrize("who", ["zone", "province", "superuser"])
def test_fast_healths_equal_the_straightforward_ones(who):
    chains, leaders = _world()
    if who == "superuser":
        user = factories.user("root", [Role.LEADER], area=Area.objects.get(code=scale.PROVINCE))
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    else:
        user = leaders[who]
    period, found = healths(user, chains)
    expected_period, expected = _straightforward(user, chains)
    assert period == expected_period
    assert latest_month(user, chains) == expected_period
    checked = 0
    for chain in chains:
        assert set(found[chain.pk].nodes) == set(expected[chain.pk])
        for node_id, slow in expected[chain.pk].items():
            _same(found[chain.pk].nodes[node_id], slow)
            checked += slow.firms
    # The zone's leader sees their zone's firms only; the others every province firm, and the
    # superuser the firm outside the province too.
    assert checked > 500
    whole = found[chains[0].pk].whole
    outside = Enterprise.objects.get(zone__code="x-outside").pk
    assert (outside in whole.firm_ids) == (who == "superuser")
    if who == "zone":
        zone = leaders["zone"].zone_id
        assert set(
            Enterprise.objects.filter(pk__in=whole.firm_ids).values_list("zone", flat=True)
        ) == {zone}


def test_the_map_reads_the_same_health():
    """The map of one chain shows what the chain list computes for it."""
    chains, leaders = _world()
    user = leaders["province"]
    _period, found = healths(user, chains)
    view = chain_map(user, chains[1])
    for node_id, h in found[chains[1].pk].nodes.items():
        _same(view.health.nodes[node_id], h)


def test_an_earlier_month_when_no_firm_reported_the_latest():
    """The newest months of all figures are tried first; a chain whose firms stopped earlier
    gets their own latest month."""
    chains, leaders = _world()
    user = leaders["zone"]
    zone = leaders["zone"].zone_id
    months = sorted(set(MonthlyFigure.objects.values_list("period", flat=True)))
    MonthlyFigure.objects.filter(enterprise__zone_id=zone, period__gte=months[-5]).delete()
    period, _found = healths(user, chains)
    assert period.first_day == months[-6]
    assert period == monitoring.latest_period_of(placed_firms(user, chains))

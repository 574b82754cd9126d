"""The demo's chain maps: current with the monthly figures, gaps without confirmed firms."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import Sum
from django.utils import translation

from zonedesk.chain import health
from zonedesk.chain.models import Chain, ChainNode, NodeFirm
from zonedesk.chain.selectors import chain_map, chain_rows, gap_rows
from zonedesk.monitoring import imports as monthly_imports
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.monitoring.services import monthly_import
from zonedesk.org.models import User, Zone

pytestmark = pytest.mark.django_db


def _leader():
    return User.objects.get(username="leader")


def _confirmed(node: ChainNode) -> set[int]:
    """The firms confirmed on the node and its descendants, read straight from the tables."""
    ids, todo = set(), [node]
    while todo:
        n = todo.pop()
        ids |= set(
            n.firms.filter(state=NodeFirm.State.CONFIRMED).values_list("enterprise_id", flat=True)
        )
        todo += list(n.children.all())
    return ids


def test_demo_has_three_chains_three_levels_deep(demo):
    chains = Chain.objects.filter(zone__code="demo")
    assert chains.count() == 3
    for chain in chains:
        deepest = ChainNode.objects.filter(chain=chain, parent__parent__isnull=False)
        assert deepest.exists() or chain.code == "food"
    assert ChainNode.objects.filter(parent__parent__isnull=False).exists()
    states = dict(
        NodeFirm.objects.values_list("state").annotate(n=Sum(1)).values_list("state", "n")
    )
    assert states["confirmed"] > 3 * states.get("suggested", 0)


def test_map_shows_the_firms_latest_figures(demo):
    """Each node's output is Σ the latest month's output of its sub-tree's confirmed firms."""
    leader = _leader()
    chain = Chain.objects.get(zone__code="demo", code="equipment")
    view = chain_map(leader, chain)
    latest = MonthlyFigure.objects.filter(enterprise__zone__code="demo").order_by("-period")[0]
    assert view.period.first_day == latest.period
    checked = 0
    for node in view.nodes:
        firms = _confirmed(node)
        expected = MonthlyFigure.objects.filter(
            enterprise__in=firms, period=latest.period
        ).aggregate(s=Sum("output_value_wan"))["s"] or Decimal(0)
        h = view.node_health(node)
        assert h.firm_ids == frozenset(firms), node.code
        assert h.output_wan == expected, node.code
        checked += bool(firms)
    assert checked >= 8
    # The node's firm rows carry each firm's own month.
    motor = next(n for n in view.nodes if n.code == "eq-motor")
    for row in view.firms[motor.pk]:
        stored = MonthlyFigure.objects.get(enterprise=row.firm, period=latest.period)
        assert row.figures.output_wan == stored.output_value_wan
        assert row.figures.employees == stored.employees


def test_gap_nodes_have_no_confirmed_firm(demo):
    """A gap listed on the map has no confirmed firm in its sub-tree; the demo has some, and
    weak links too."""
    _period, rows = gap_rows(_leader())
    gaps = [r for r in rows if r.health.strength == health.GAP]
    assert {r.node.code for r in gaps} >= {"eq-casting", "eq-cnc", "el-ic", "fd-pack"}
    for r in gaps:
        assert _confirmed(r.node) == set()
        assert r.node.in_target
    assert any(r.health.strength == health.WEAK for r in rows)
    assert "el-phone" not in {r.node.code for r in rows}  # outside the target map


def _month_sheet(zone: Zone, period, leader, output: Decimal) -> io.BytesIO:
    with translation.override("zh-hans"):
        data = monthly_imports.template_bytes(
            zone, period, monthly_imports.reporting_firms(leader, zone, period)
        )
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book.worksheets[0]
    for r in range(2, ws.max_row + 1):
        for c, v in enumerate([float(output), 900, 250000, 3200, 85, 0], start=4):
            ws.cell(row=r, column=c, value=v)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_map_changes_when_a_month_is_imported(demo):
    """Importing the next month through monitoring's import moves the map to it: every node's
    output is the new month's."""
    leader = _leader()
    zone = Zone.objects.get(code="demo")
    chain = Chain.objects.get(zone=zone, code="equipment")
    before = chain_map(leader, chain)
    nxt = before.period.shift(1)
    monthly_import(
        actor=leader,
        zone=zone,
        period=nxt,
        fileobj=_month_sheet(zone, nxt, leader, Decimal("777")),
    )
    after = chain_map(leader, chain)
    assert after.period == nxt
    motor = next(n for n in after.nodes if n.code == "eq-motor")
    h = after.node_health(motor)
    assert h.reporting == h.firms > 0
    assert h.output_wan == Decimal("777") * h.firms
    assert h.output_wan != before.node_health(motor).output_wan
    period, rows = chain_rows(leader)
    assert period == nxt
    assert all(r.whole.output_wan == Decimal("777") * r.whole.reporting for r in rows)

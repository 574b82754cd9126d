"""The attraction paragraph (section 三, 招商引资) is computed from the stored leads, activities
and moves and changes with them; the command `report attraction` writes it."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.chain import leads_factories as leads
from zonedesk.chain import leads_selectors as selectors
from zonedesk.chain import leads_services as services
from zonedesk.chain.models import Chain, ChainNode, NodeFirm
from zonedesk.core.actors import SYSTEM
from zonedesk.reports import summary
from zonedesk.reports.document import Source, plain
from zonedesk.reports.sections import attraction as section
from zonedesk.reports.sections.part import Found

FIRST, LAST = dt.date(2020, 1, 1), dt.date(2020, 6, 30)


def _node(world):
    chain = Chain.objects.create(zone=world.zone_a, code="equip", name="装备制造链（合成）")
    return ChainNode.objects.create(chain=chain, code="gear", name="精密齿轮", segment="mid")


def _worked(world, name, *, stage, on, node=None, investment="30000", kinds=("visit",)):
    officer = world.users["officer"]
    lead = services.lead_create(
        actor=SYSTEM,
        zone=world.zone_a,
        data=services.LeadData(
            name=name,
            region="chengyu",
            source="office",
            owner=officer,
            gap_node=node,
            investment_wan=Decimal(investment),
            industry_code="3311",
        ),
        on=on,
    )
    for k, kind in enumerate(kinds):
        services.lead_activity_add(
            actor=officer, lead=lead, kind=kind, on=on + dt.timedelta(days=k), note="对接"
        )
    day = on
    for move in leads.PATHS[stage]:
        day += dt.timedelta(days=7)
        lead.refresh_from_db()
        lead = services.lead_transition(
            actor=SYSTEM, lead=lead, to=move, on=day, **leads.step_inputs(move)
        )
    return lead


def _facts(world):
    return selectors.attraction(
        world.users["leader"],
        zones=[world.zone_a],
        first=FIRST,
        last=LAST,
        today=dt.date(2026, 1, 1),
    )


def test_the_paragraph_counts_the_stored_leads_and_follows_a_change(world):
    """Two leads worked in the half-year, one signed on a chain's gap node; the figures, the
    chain line and the gap come from the rows, and a further signing changes them."""
    node = _node(world)
    _worked(
        world,
        "甲精密（合成）",
        stage="signed",
        on=dt.date(2020, 2, 3),
        node=node,
        kinds=("visit", "delegation"),
    )
    _worked(world, "乙电子（合成）", stage="contact", on=dt.date(2020, 3, 2), kinds=("meeting",))
    f = _facts(world)
    assert (f.leads_worked, f.visits, f.delegations, f.meetings, f.signed) == (2, 1, 1, 1, 1)
    assert f.signed_wan == Decimal("30000")
    assert [(c.chain, c.projects) for c in f.by_chain] == [("装备制造链（合成）", 1)]
    assert f.gaps_filled == ("装备制造链（合成）·精密齿轮",)
    with translation.override("zh-hans"):
        text = plain("".join(section.sentences(f, "2020年上半年")))
    assert "签约项目1个" in text and "30,000.00万元" in text and "精密齿轮" in text, text
    _worked(world, "丙材料（合成）", stage="signed", on=dt.date(2020, 4, 1), investment="5000")
    again = _facts(world)
    assert (again.signed, again.signed_wan) == (2, Decimal("35000"))
    # a local firm confirmed on the node: the signing strengthens it, it fills no gap
    NodeFirm.objects.create(node=node, enterprise=world.firm_a, state=NodeFirm.State.CONFIRMED)
    strengthened = _facts(world)
    assert strengthened.gaps_filled == ()
    assert strengthened.strengthened == ("装备制造链（合成）·精密齿轮",)
    with translation.override("zh-hans"):
        text = plain("".join(section.sentences(strengthened, "2020年上半年")))
    # the lead on no chain has its line, so the lines add up to the 35,000 signed
    assert "装备制造链（合成）1个、30,000.00万元；未归入产业链1个、5,000.00万元。" in text, text
    assert "强化了装备制造链（合成）·精密齿轮（已有本地企业）" in text, text
    assert "补齐" not in text, text


def test_moves_outside_the_period_are_not_counted(world):
    _worked(world, "丁装备（合成）", stage="visit", on=dt.date(2019, 10, 1))
    f = _facts(world)
    assert (f.leads_worked, f.visits) == (0, 0)


def test_a_firm_user_gets_no_facts(world):
    assert (
        selectors.attraction(
            world.users["enterprise"], zones=[world.zone_a], first=FIRST, last=LAST
        )
        is None
    )
    assert (
        selectors.attraction(world.users["officer_b"], zones=[world.zone_a], first=FIRST, last=LAST)
        is None
    )


def test_the_section_is_in_the_summary_and_the_command(world):
    """`report attraction --zone … --period 2020-H1` writes the section; the summary has it."""
    _worked(world, "戊新能源（合成）", stage="contact", on=dt.date(2020, 3, 2))
    assert "attraction" in [p.key for p in summary.parts()]
    out = io.StringIO()
    call_command(
        "report",
        "attraction",
        "--zone",
        world.zone_a.code,
        "--period",
        "2020-H1",
        "--lang",
        "en",
        stdout=out,
    )
    assert "investment staff worked 1 leads (1 new)" in out.getvalue(), out.getvalue()


def test_a_past_period_counts_the_leads_stale_on_its_last_day(world):
    """Stale is judged on the period's last day with the activities up to that day: a lead
    left alone since February is stale on 30 June 2020 even though someone visited it later
    (its stored last activity is that later visit); a lead visited in June is not."""
    alone = _worked(world, "丙材料（合成）", stage="contact", on=dt.date(2020, 2, 3))
    _worked(world, "丁装备（合成）", stage="contact", on=dt.date(2020, 6, 10))
    services.lead_activity_add(
        actor=world.users["officer"], lead=alone, kind="call", on=dt.date(2025, 5, 6), note="回访"
    )
    alone.refresh_from_db()
    assert alone.last_activity_on == dt.date(2025, 5, 6)
    facts = _facts(world)
    assert (facts.open_leads, facts.stale) == (2, 1)
    # today's stale set (2026-01-01: both leads' last activity is older than 30 days) is not
    # the period's
    today = selectors.lead_list(
        world.users["leader"], selectors.LeadFilters(stale=True), today=dt.date(2026, 1, 1)
    )
    assert today.count() == 2


def test_the_chains_gaps_are_said_and_follow_a_confirmed_firm(world):
    """延链补链: the zone's chains in the period's last month, from their stored nodes and
    placements: a node with no confirmed firm is a gap, named and handed to 下步打算; once a
    firm is confirmed on it, it is no gap but weak (fewer firms than the threshold)."""
    node = _node(world)
    _worked(world, "己机械（合成）", stage="contact", on=dt.date(2020, 3, 2), node=node)
    state = _facts(world).chains
    assert (state.chains, state.target_nodes, state.gaps, state.weak) == (1, 1, 1, 0)
    assert state.gap_names == ("装备制造链（合成）·精密齿轮",)
    assert state.month == dt.date(2020, 6, 1)
    with translation.override("zh-hans"):
        found = Found(_facts(world), Source("test", "zone", "2020年上半年"))
        text = plain("".join(section.sentences(found.facts, "2020年上半年")))
        steps = [plain(s) for s in section.next_steps(found)]
    assert "截至2020年6月，全区1条重点产业链共有目标环节1个，其中缺链1个" in text, text
    assert "需招商补链的环节：装备制造链（合成）·精密齿轮。" in text, text
    assert any("围绕1个缺链环节" in s for s in steps), steps
    NodeFirm.objects.create(node=node, enterprise=world.firm_a, state=NodeFirm.State.CONFIRMED)
    after = _facts(world).chains
    assert (after.gaps, after.weak, after.gap_names) == (0, 1, ())


def test_every_followed_lead_stale_reads_as_all(world):
    """ "41 leads followed, 41 of them stale" reads as all of them."""
    _worked(world, "庚电子（合成）", stage="contact", on=dt.date(2020, 2, 3))
    f = _facts(world)
    assert (f.open_leads, f.stale) == (1, 1)
    with translation.override("zh-hans"):
        text = plain("".join(section.sentences(f, "2020年上半年")))
    assert "在跟线索1条，1条均久未跟进。" in text, text


def test_the_section_alone_states_no_rule_for_problems_and_benefits(world):
    """The attraction section as its own document counts no problem or benefit: it does not end
    with the rule for them; the whole summary does."""
    from zonedesk.reports import markdown

    _worked(world, "辛材料（合成）", stage="contact", on=dt.date(2020, 3, 2))
    alone = summary.section(
        world.users["leader"], "attraction", zone=world.zone_a.code, period="2020-H1", lang="en"
    )
    assert alone.counted_on is None
    assert "counted as they stood" not in markdown.render(alone)


def test_an_unknown_zone_is_named_without_the_system_user(world):
    out = io.StringIO()
    with translation.override("zh-hans"), pytest.raises(CommandError) as refused:
        call_command("report", "attraction", "--zone", "nosuch", "--period", "2020-H1", stdout=out)
    assert str(refused.value) == "没有园区或地区“nosuch”。"

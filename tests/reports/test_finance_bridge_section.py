"""The financing paragraph's bridge-loan and inter-firm lending sentences
(reports/sections/finance_bridge.py), from plain facts, and computed from stored rows."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import translation

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.finance.bridge_facts import BridgeFacts, LendingFacts
from zonedesk.finance.selectors import bridge as bridge_selectors
from zonedesk.finance.selectors import lending as lending_selectors
from zonedesk.finance.services import lending
from zonedesk.org.models import Bank
from zonedesk.reports.document import plain
from zonedesk.reports.sections import finance_bridge

BRIDGE = BridgeFacts(
    fund_size_wan=D(5000),
    count=12,
    firms=9,
    amount_wan=D(3500),
    turnover=D("0.7"),
    fees_wan=D("41.5"),
    overdue_count=2,
    overdue_wan=D(600),
)
LENDING = LendingFacts(
    count=3,
    amount_wan=D(450),
    above_ceiling=1,
    above_ceiling_wan=D(100),
    circles=[["甲", "乙", "丙"]],
)


def test_sentences_in_english():
    with translation.override("en"):
        text = " ".join(plain(s) for s in finance_bridge.sentences(BRIDGE, LENDING))
    assert "made 12 bridge loans to 9 firms, 3,500.00 (10k yuan)" in text
    assert "turned over 0.70 times" in text
    assert "2 bridge loans, 600.00 (10k yuan), were out past their due date" in text
    assert "3 loans between firms were registered" in text and "1 of them, 100.00" in text
    assert "1 guarantee circle was found among the zone's firms (甲、乙、丙)" in text
    assert "1 guarantee circles" not in text


def test_sentences_in_chinese():
    with translation.override("zh-hans"):
        text = "".join(plain(s) for s in finance_bridge.sentences(BRIDGE, LENDING))
    assert "12" in text and "3,500.00" in text and "转贷" in text and "担保圈" in text


def test_none_above_the_ceiling_says_none_exceeded_in_chinese_and_english():
    """Not "其中0笔、0.00万元的利率超过…上限" but that none exceeded it."""
    facts = LendingFacts(count=2, amount_wan=D(300), above_ceiling=0, above_ceiling_wan=D(0))
    with translation.override("zh-hans"):
        zh = "".join(plain(s) for s in finance_bridge.lending_sentences(facts))
    with translation.override("en"):
        en = " ".join(plain(s) for s in finance_bridge.lending_sentences(facts))
    assert zh == "登记企业间借款2笔，300.00万元，利率均未超过民间借贷法定上限。"
    assert "其中0笔" not in zh
    assert "none at a rate above the legal ceiling" in en and "0 of them" not in en


def test_nothing_to_say_says_nothing():
    empty = BridgeFacts(D(5000), 0, 0, D(0), D(0), D(0), 0, D(0))
    assert finance_bridge.sentences(empty, LendingFacts(0, D(0), 0, D(0))) == []


@pytest.fixture
def world(shared_world):
    return shared_world


def test_facts_are_computed_from_stored_rows_and_change_with_them(world):
    """Two loans disbursed in June 2020 (300 each) of a 5,000 fund: turnover 0.12; a loan
    between firms at 16% on 2021-03-01 (ceiling 4 × 3.85 = 15.4%) is above the ceiling."""
    fund = factories.bridge_fund(world.zone_a)
    bank = Bank.objects.get(name="测试银行开江支行")
    leader = world.users["leader"]
    start, end = dt.date(2020, 1, 1), dt.date(2021, 6, 30)
    factories.bridge_loan(fund, world.firm_a, bank, state="repaid", day=dt.date(2020, 6, 1))
    before = bridge_selectors.bridge_facts(leader, world.zone_a, start=start, end=end)
    factories.bridge_loan(fund, world.firm_a2, bank, state="repaid", day=dt.date(2020, 6, 2))

    after = bridge_selectors.bridge_facts(leader, world.zone_a, start=start, end=end)

    assert (before.count, after.count, after.amount_wan) == (1, 2, D(600))
    assert after.turnover == D("0.12")
    lending.interfirm_loan_create(
        actor=SYSTEM,
        data=lending.LoanData(
            lender=world.firm_a2,
            borrower=world.firm_a,
            amount_wan=D(100),
            term_months=6,
            rate_pct=D(16),
            contract_on=dt.date(2021, 3, 1),
        ),
    )
    facts = lending_selectors.lending_facts(leader, world.zone_a, start=start, end=end)
    assert (facts.count, facts.above_ceiling, facts.circles) == (1, 1, [])

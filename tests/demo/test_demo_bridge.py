"""The demo's bridge-loan fund and lending register (zonedesk/demo/finance_bridge.py)."""

from collections import Counter
from decimal import Decimal

import pytest

from zonedesk.finance.models import BridgeLoan
from zonedesk.finance.selectors import bridge as bridge_selectors
from zonedesk.finance.selectors import lending as lending_selectors
from zonedesk.org.models import User

pytestmark = pytest.mark.django_db


def test_demo_fund_has_fifteen_loans_two_of_them_overdue(demo):
    leader = User.objects.get(username="leader")
    fund = bridge_selectors.fund_list(leader).get()

    d = bridge_selectors.fund_dashboard(leader, fund)

    assert fund.size_wan == Decimal(5000)
    assert Counter(BridgeLoan.objects.values_list("status", flat=True)) == {
        "repaid": 9,
        "disbursed": 4,
        "approved": 1,
        "applied": 1,
        "refused": 1,
    }
    assert len(d.overdue) == 2
    assert d.out_wan == Decimal(1710) and d.available_wan == Decimal(2820)


def test_demo_firm_and_bank_users_see_their_own_loans(demo):
    firm_user = User.objects.get(username="firm")
    bank_user = User.objects.get(username="bank")
    own = bridge_selectors.loan_rows(firm_user)
    assert len(own) == 1 and own[0].loan.firm == firm_user.enterprise_membership.enterprise
    assert {r.loan.bank_id for r in bridge_selectors.loan_rows(bank_user)} == {bank_user.bank_id}


def test_demo_register_has_a_circle_and_a_loan_above_the_ceiling(demo):
    reg = lending_selectors.register(User.objects.get(username="leader"))

    assert [len(c.firms) for c in reg.circles] == [3]
    assert [r.above_ceiling for r in reg.loans].count(True) == 1
    assert len(reg.loans) == 4

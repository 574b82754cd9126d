"""The bridge-loan fund's one service (finance.services.bridge): every limit refuses with its
figures and changes nothing, approvals hold money, the fee is computed at repayment, the due date
and overdue days follow the stored working-day calendar, and the reminder tells the leaders."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import translation

from tests import factories
from zonedesk.casework.models import CalendarDay
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.workflow import TransitionRefused
from zonedesk.finance import bridge
from zonedesk.finance.models import BridgeLoan, BridgeLoanEvent
from zonedesk.finance.selectors import bridge as selectors
from zonedesk.finance.services import bridge as services
from zonedesk.org.models import Bank

JUNE_1 = dt.date(2020, 6, 1)


@pytest.fixture
def world(shared_world):
    return shared_world


@pytest.fixture
def fund(world):
    return factories.bridge_fund(world.zone_a)


@pytest.fixture
def bank(world):
    return Bank.objects.get(name="测试银行开江支行")


def apply(fund, firm, bank, **changes):
    values = dict(
        firm=firm,
        bank=bank,
        maturing_wan=D(400),
        maturing_on=JUNE_1,
        committed_wan=D(400),
        requested_wan=D(300),
        commitment_ref="续贷承诺函（合成）第001号",
    )
    return services.bridge_loan_apply(
        actor=SYSTEM, fund=fund, data=services.ApplicationData(**(values | changes)), today=JUNE_1
    )


@pytest.mark.parametrize(
    ("changes", "code", "words"),
    [
        ({"wage_arrears": True}, bridge.EXCLUDED, ["欠薪"]),
        ({"bad_credit": True}, bridge.EXCLUDED, ["不良信用"]),
        ({"committed_wan": D(0)}, bridge.NO_COMMITMENT, ["0.00"]),
        ({"requested_wan": D(0)}, bridge.AMOUNT_NOT_POSITIVE, ["0.00"]),
        # 95% of 300 = 285
        ({"committed_wan": D(300)}, bridge.SHARE_OF_COMMITMENT, ["300.00", "95", "285.00"]),
        ({"maturing_wan": D(200)}, bridge.MATURING_AMOUNT, ["200.00"]),
        (
            {"requested_wan": D(600), "maturing_wan": D(700), "committed_wan": D(700)},
            bridge.CAP_PER_FIRM,
            ["500.00", "600.00"],
        ),
        ({"term_days": 11}, bridge.TERM, ["11", "10"]),
    ],
)
def test_each_limit_refuses_with_its_figures_and_stores_nothing(
    world, fund, bank, changes, code, words
):
    """An application a limit refuses is not stored; the refusal names its figures."""
    with translation.override("zh-hans"), pytest.raises(services.DrawRefused) as refused:
        apply(fund, world.firm_a, bank, **changes)

    assert code in refused.value.check.codes
    assert all(w in refused.value.message for w in words), refused.value.message
    assert not BridgeLoan.objects.exists()


def test_refusal_is_worded_in_english_too(world, fund, bank):
    """The same refusal in English: the cap, the firm's exposure and the limit left."""
    factories.bridge_loan(fund, world.firm_a, bank, state="disbursed", day=JUNE_1)

    with translation.override("en"), pytest.raises(services.DrawRefused) as refused:
        apply(fund, world.firm_a, bank)  # 300 + 300 > 500

    assert refused.value.message == (
        "300.00 requested is above the firm's cap: the cap is 500.00, the firm has 300.00 out "
        "or approved, so at most 200.00 (10k yuan)."
    )


def test_available_balance_counts_loans_out_and_approved(world, bank):
    """A fund of 1,000: 600 out and 300 approved leave 100; a draw of 300 is refused."""
    fund = factories.bridge_fund(world.zone_a, size_wan=D(1000), cap_per_firm_wan=None)
    factories.bridge_loan(
        fund,
        world.firm_a,
        bank,
        state="disbursed",
        day=JUNE_1,
        requested_wan=D(600),
        maturing_wan=D(700),
        committed_wan=D(700),
    )
    factories.bridge_loan(fund, world.firm_a2, bank, state="approved", day=JUNE_1)
    waiting = factories.bridge_loan(
        fund, world.firm_a2, bank, state="applied", day=JUNE_1, requested_wan=D(50)
    )

    with pytest.raises(services.DrawRefused) as refused:
        apply(fund, world.firm_a2, bank)
    assert refused.value.check.codes == [bridge.AVAILABLE_BALANCE]
    assert refused.value.check.refusals[0].figures["available_wan"] == D(100)
    # 50 fits the 100 left
    approved = services.bridge_loan_move(actor=SYSTEM, loan=waiting, to="approved", on=JUNE_1)
    assert approved.amount_wan == D(50)


def test_approval_checks_the_limits_again_and_changes_nothing_when_refused(world, fund, bank):
    """Approving more than the cap allows is refused; the loan stays applied, no event row."""
    loan = apply(fund, world.firm_a, bank)

    with pytest.raises(services.DrawRefused):
        services.bridge_loan_move(actor=SYSTEM, loan=loan, to="approved", amount_wan=D(501))

    loan.refresh_from_db()
    assert (loan.status, loan.amount_wan, BridgeLoanEvent.objects.count()) == ("applied", None, 0)


def test_fee_is_computed_at_repayment_and_stored(world, bank):
    """1,000万元 for 7 days: 1,000 × (5 × 0.1% + 2 × 0.2%) = 9万元."""
    fund = factories.bridge_fund(world.zone_a, cap_per_firm_wan=None)
    loan = factories.bridge_loan(
        fund,
        world.firm_a,
        bank,
        state="disbursed",
        day=JUNE_1,
        requested_wan=D(1000),
        maturing_wan=D(1100),
        committed_wan=D(1100),
    )

    repaid = services.bridge_loan_move(
        actor=SYSTEM, loan=loan, to="repaid", on=JUNE_1 + dt.timedelta(days=7)
    )

    assert repaid.fee_wan == D(9)
    event = BridgeLoanEvent.objects.filter(loan=loan).latest("id")
    assert event.payload["days"] == 7 and D(event.payload["fee_wan"]) == D(9)


def test_overdue_rate_charges_the_days_past_the_due_date(world, bank):
    """A fund with a 0.5%/day overdue rate, 100万元 out 12 days on a 10-day term: 5 × 0.1% +
    5 × 0.2% + 2 × 0.5% = 2.5% → 2.5万元."""
    fund = factories.bridge_fund(world.zone_a, overdue_daily_pct=D("0.5"))
    loan = factories.bridge_loan(
        fund, world.firm_a, bank, state="disbursed", day=JUNE_1, requested_wan=D(100)
    )
    assert loan.due_on == dt.date(2020, 6, 11)

    repaid = services.bridge_loan_move(
        actor=SYSTEM, loan=loan, to="repaid", on=dt.date(2020, 6, 13)
    )

    assert repaid.fee_wan == D("2.5")


def test_due_date_moves_past_national_day_and_overdue_counts_from_it(world, fund, bank):
    """Disbursed 2020-09-24 for 10 days: due 2020-10-04 falls in the National Day holiday (1–8
    October), so it is due 9 October (a Friday); on 8 October it is open, on 12 October 3 days
    overdue."""
    loan = factories.bridge_loan(
        fund, world.firm_a, bank, state="disbursed", day=dt.date(2020, 9, 24)
    )

    assert loan.due_on == dt.date(2020, 10, 9)
    assert selectors.loan_state(loan, dt.date(2020, 10, 8))[0] == bridge.DUE_SOON
    assert selectors.loan_state(loan, dt.date(2020, 10, 12))[:2] == (bridge.OVERDUE, 3)


def test_due_date_follows_a_day_off_entered_by_the_administrators(world, fund, bank):
    """A local holiday entered in the calendar (CalendarDay) on the due date moves it on."""
    CalendarDay.objects.create(date=dt.date(2020, 6, 11), kind=CalendarDay.Kind.HOLIDAY)

    loan = factories.bridge_loan(fund, world.firm_a, bank, state="disbursed", day=JUNE_1)

    assert loan.due_on == dt.date(2020, 6, 12)


def test_refusing_needs_a_reason_and_a_closed_loan_moves_no_more(world, fund, bank):
    loan = apply(fund, world.firm_a, bank)
    with pytest.raises(ValidationFailed):
        services.bridge_loan_move(actor=SYSTEM, loan=loan, to="refused")
    refused = services.bridge_loan_move(actor=SYSTEM, loan=loan, to="refused", note="材料不全")
    with pytest.raises(TransitionRefused):
        services.bridge_loan_move(actor=SYSTEM, loan=refused, to="approved")


def test_only_the_zones_leaders_and_officers_move_a_loan(world, fund, bank):
    loan = apply(fund, world.firm_a, bank)
    for role in ("admin", "auditor", "enterprise", "bank", "officer_b", "department"):
        with pytest.raises(PermissionDenied):
            services.bridge_loan_move(actor=world.users[role], loan=loan, to="approved")
    moved = services.bridge_loan_move(actor=world.users["officer"], loan=loan, to="approved")
    assert moved.status == "approved"


def test_each_user_sees_the_loans_of_their_scope(world, fund, bank):
    """Zone staff see the zone's loans, a firm's user its own, a bank user its bank's."""
    other_bank = Bank.objects.create(name="另一银行（合成）", area=world.kaijiang)
    mine = apply(fund, world.firm_a, bank)
    other = apply(fund, world.firm_a2, other_bank)
    seen = {
        role: set(selectors.loan_scope(world.users[role]))
        for role in ("leader", "auditor", "enterprise", "bank", "officer_b", "department")
    }
    assert seen == {
        "leader": {mine, other},
        "auditor": {mine, other},
        "enterprise": {mine},
        "bank": {mine},
        "officer_b": set(),
        "department": set(),
    }


def test_overdue_loans_are_told_to_the_zones_leaders_once_a_day(world, fund, bank):
    from zonedesk.notices.models import Notification

    loan = factories.bridge_loan(fund, world.firm_a, bank, state="disbursed", day=JUNE_1)
    day = dt.date(2020, 6, 15)

    first = services.bridge_overdue_remind(actor=SYSTEM, today=day)
    again = services.bridge_overdue_remind(actor=SYSTEM, today=day)

    assert (first.overdue, again.notifications) == (1, 0)
    told = set(
        Notification.objects.filter(
            about__startswith=f"finance.bridge_loan:{loan.pk}:"
        ).values_list("recipient__username", flat=True)
    )
    assert told == {"leader", "officer"}


def test_dashboard_figures(world, fund, bank):
    """5,000万元: 300 out (firm_a), 300 approved (firm_a2); available 4,400; utilisation 6%."""
    factories.bridge_loan(fund, world.firm_a, bank, state="disbursed", day=JUNE_1)
    factories.bridge_loan(fund, world.firm_a2, bank, state="approved", day=JUNE_1)

    d = selectors.fund_dashboard(world.users["leader"], fund, today=dt.date(2020, 6, 5))

    assert (d.out_wan, d.approved_wan, d.available_wan) == (D(300), D(300), D(4400))
    assert d.utilisation == D("0.06") and d.turnover == D("0.06")
    assert [(e.name, e.amount_wan) for e in d.by_firm] == [(world.firm_a.name, D(300))]
    assert [r.loan.firm for r in d.due_soon] == [world.firm_a]


def test_remind_command_tells_of_overdue_loans(world, fund, bank):
    """`zonedesk finance remind --date` runs the daily escalation and says what it did."""
    import io

    from django.core.management import call_command

    factories.bridge_loan(fund, world.firm_a, bank, state="disbursed", day=JUNE_1)
    out = io.StringIO()

    call_command("finance", "remind", "--date", "2020-06-15", "--lang", "en", stdout=out)

    assert "2020-06-15: 1 bridge loans overdue; 2 notifications sent." in out.getvalue()

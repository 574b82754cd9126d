"""One case across liaison, policy and finance: a financing problem's one panel shows the needs
raised from it, the support measures that relieve the firm's cash, its standing with the zone's
bridge fund, and says when a linked need was disbursed, so that the problem can be resolved."""

from decimal import Decimal as D

from django.urls import reverse

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.finance import bridge, selectors, services
from zonedesk.org.models import Bank


def _disbursed(firm, problem, bank):
    """A need raised from `problem`, approved and disbursed by the system (80 万元)."""
    need = services.need_create(
        actor=SYSTEM,
        enterprise=firm,
        data=services.NeedData(
            amount_wan=D(100), term_months=12, purpose="working_capital", collateral="property"
        ),
        problem=problem,
    )
    services.consent_grant(actor=SYSTEM, need=need, bank=bank)
    for move in factories.FINANCE_PATHS["disbursed"]:
        inputs = factories.finance_step_inputs(move)
        need = services.need_transition(actor=SYSTEM, need=need, to=move, **inputs)
    return need


def test_the_panel_offers_cash_relief_and_the_bridge_funds_standing(world):
    """An interest subsidy and a social-insurance deferral the firm qualifies for are shown, a
    training service is not; the fund shows the firm excluded for a bad credit record (a bank
    declined it for that), its cap, what it has out, the balance, and nothing left to draw."""
    interest = factories.entitlement(
        world, world.firm_a, benefit_type="interest", title="贷款贴息（合成）"
    )
    deferral = factories.entitlement(
        world, world.firm_a, benefit_type="deferral", title="社保缓缴（合成）"
    )
    factories.entitlement(world, world.firm_a, benefit_type="service", title="培训服务（合成）")
    fund = factories.bridge_fund(world.zone_a)
    bank = Bank.objects.get(name="测试银行开江支行")
    factories.bridge_loan(fund, world.firm_a, bank, state="approved")  # 300 万元 held
    officer = world.users["officer"]
    problem = factories.problem(world.firm_a)
    panel = selectors.problem_panel(officer, problem)
    assert {s.measure_id for s in panel.relief} == {interest.measure_id, deferral.measure_id}
    assert panel.relief[0].measure_id == interest.measure_id  # 贷款: the cost of borrowing first
    b = panel.bridge
    assert b.fund == fund and b.excluded == () and b.can_apply
    assert (b.cap_wan, b.exposure_wan, b.available_wan, b.room_wan) == (
        D(500),
        D(300),
        D(4700),
        D(200),
    )
    declined = factories.financing_need_walk(world.firm_a, "received", world.users["bank"].bank)
    services.need_transition(
        actor=world.users["bank"], need=declined, to="declined", reason="credit_record"
    )
    b = selectors.problem_panel(officer, problem).bridge
    assert b.excluded == (bridge.BAD_CREDIT,) and b.room_wan == 0
    # a bank's user sees neither the firm's entitlements nor the fund
    bank_panel = selectors.problem_panel(world.users["bank"], problem)
    assert bank_panel.relief == [] and bank_panel.bridge is None


def test_a_disbursed_need_says_the_problem_can_be_resolved(world):
    problem = factories.problem(world.firm_a)
    officer = world.users["officer"]
    assert selectors.problem_panel(officer, problem).disbursed is None
    need = _disbursed(world.firm_a, problem, world.users["bank"].bank)
    panel = selectors.problem_panel(officer, problem)
    assert panel.disbursed == need and not panel.resolvable  # still submitted
    problem.status = "replied"
    assert selectors.problem_panel(officer, problem).resolvable


def test_the_problem_page_shows_the_one_panel_with_its_links(world, client_for):
    interest = factories.entitlement(
        world, world.firm_a, benefit_type="interest", title="贷款贴息（合成）"
    )
    factories.entitlement(world, world.firm_a, benefit_type="service", title="培训服务（合成）")
    fund = factories.bridge_fund(world.zone_a)
    problem = factories.problem(world.firm_a)
    _disbursed(world.firm_a, problem, world.users["bank"].bank)
    page = client_for(world.users["officer"]).get(reverse("casework:problem", args=[problem.pk]))
    text = page.content.decode()
    assert f'data-testid="relief-{interest.measure_id}"' in text and "培训服务（合成）" not in text
    assert 'data-testid="problem-bridge"' in text and "500.00" in text
    apply = reverse("finance:bridge_apply", args=[fund.pk]) + f"?firm={world.firm_a.pk}"
    assert apply in text
    assert f"?problem={problem.pk}" in text
    assert 'data-testid="problem-disbursed"' in text
    form = client_for(world.users["officer"]).get(apply).content.decode()
    assert f'<option value="{world.firm_a.pk}" selected>' in form

"""A declined need followed up: the support measures that answer the bank's reason, and the
casework problem it may become (once)."""

import pytest
from django.urls import reverse

from tests import factories
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.finance import selectors, services


def _declined(world, reason="collateral", note="抵押物估值不足"):
    bank_user = world.users["bank"]
    need = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    need = services.need_transition(actor=bank_user, need=need, to="received")
    return services.need_transition(
        actor=bank_user, need=need, to="declined", reason=reason, note=note
    )


def test_the_measures_that_answer_the_reason_are_suggested_the_best_fitting_first(world):
    """Collateral short: a guarantee-fee subsidy first, then an interest subsidy; not a tax
    relief, nor a subsidy already paid, nor another firm's."""
    fee = factories.entitlement(world, world.firm_a, title="融资担保费补贴（合成）")
    interest = factories.entitlement(
        world, world.firm_a, benefit_type="interest", title="贷款贴息（合成）"
    )
    factories.entitlement(world, world.firm_a, benefit_type="tax_relief", title="减税（合成）")
    factories.entitlement(world, world.firm_a, state="disbursed", title="已兑现补贴（合成）")
    factories.entitlement(world, world.firm_a2, title="别家担保费补贴（合成）")
    need = _declined(world)
    got = selectors.decline_support(world.users["officer"], need)
    assert [s.measure_id for s in got] == [fee.measure_id, interest.measure_id]
    assert selectors.decline_support(world.users["bank"], need) == []


def test_a_cash_flow_decline_suggests_deferrals_and_interest_subsidies(world):
    deferral = factories.entitlement(
        world, world.firm_a, benefit_type="deferral", title="社保缓缴（合成）"
    )
    factories.entitlement(world, world.firm_a, benefit_type="service", title="培训（合成）")
    need = _declined(world, reason="cash_flow")
    got = selectors.decline_support(world.users["enterprise"], need)
    assert [s.measure_id for s in got] == [deferral.measure_id]


def test_a_declined_need_becomes_one_financing_problem_linked_to_it(world):
    """The problem is of the financing category, carries the bank's reason, and is linked to
    the need; a second call returns it and opens no other; the link is audited."""
    need = _declined(world)
    officer = world.users["officer"]
    problem = services.need_problem_open(actor=officer, need=need)
    assert problem.category == "finance" and problem.enterprise == world.firm_a
    assert "抵押物估值不足" in problem.description
    need.refresh_from_db()
    assert need.problem == problem
    assert selectors.needs_of_problem(officer, problem) == [need]
    again = services.need_problem_open(actor=world.users["enterprise"], need=need)
    assert again == problem
    assert world.firm_a.problems.count() == 1
    assert (
        AuditEntry.objects.filter(
            target_type="finance.financingneed", target_id=str(need.pk), changes__has_key="problem"
        ).count()
        == 1
    )


def test_only_a_declined_need_and_only_the_firms_side(world):
    bank_user = world.users["bank"]
    shared = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    with pytest.raises(ValidationFailed):
        services.need_problem_open(actor=world.users["officer"], need=shared)
    declined = _declined(world)
    for who in ("bank", "officer2", "auditor"):
        with pytest.raises(PermissionDenied):
            services.need_problem_open(actor=world.users[who], need=declined)
    assert world.firm_a.problems.count() == 0


def test_the_need_page_and_the_firm_tab_offer_the_measures_and_the_button(world, client_for):
    fee = factories.entitlement(world, world.firm_a, title="融资担保费补贴（合成）")
    need = _declined(world)
    client = client_for(world.users["officer"])
    page = client.get(reverse("finance:need", args=[need.pk])).content.decode()
    assert "融资担保费补贴（合成）" in page and 'data-testid="to-problem"' in page
    tab = client.get(reverse("finance:firm", args=[world.firm_a.pk])).content.decode()
    assert f'data-testid="support-{fee.measure_id}"' in tab
    response = client.post(reverse("finance:need_problem", args=[need.pk]))
    assert response.status_code == 302
    need.refresh_from_db()
    assert response.url == reverse("casework:problem", args=[need.problem_id])
    client.post(reverse("finance:need_problem", args=[need.pk]))
    assert world.firm_a.problems.count() == 1
    page = client.get(reverse("finance:need", args=[need.pk])).content.decode()
    assert 'data-testid="followup-problem"' in page and 'data-testid="to-problem"' not in page
    bank_page = client_for(world.users["bank"]).get(reverse("finance:need", args=[need.pk]))
    assert "融资担保费补贴（合成）" not in bank_page.content.decode()


def test_the_problems_panel_shows_each_needs_state_matches_and_the_banks_answer(world, client_for):
    """A financing problem's page lists its needs: the state, how many products match, the
    banks it was shared with and the bank's answer (the decline reason)."""
    bank_user = world.users["bank"]
    factories.bank_product(bank_user.bank, name="流动资金贷（合成）")
    factories.bank_product(
        bank_user.bank, name="大额贷（合成）", amount_min_wan=1000, amount_max_wan=5000
    )
    need = _declined(world)
    problem = services.need_problem_open(actor=world.users["officer"], need=need)
    [row] = selectors.problem_panel(world.users["officer"], problem).needs
    assert (row.need, row.matching, row.shared_with) == (need, 1, (bank_user.bank.name,))
    page = client_for(world.users["officer"]).get(reverse("casework:problem", args=[problem.pk]))
    text = page.content.decode()
    assert f'data-testid="problem-need-{need.pk}"' in text
    assert "1 个匹配产品" in text and "抵押担保不足" in text
    assert bank_user.bank.name in text


def test_only_measures_the_firm_is_eligible_for_each_once_the_latest_batch(world):
    """An undetermined pair (a figure missing) is not suggested; the batches of one measure are
    one suggestion, the latest batch's; financing measures before other subsidies."""
    factories.entitlement(world, world.firm_a, title="招工补贴（合成）")
    factories.entitlement(world, world.firm_a, title="融资担保费补贴（合成）")
    latest = factories.entitlement(world, world.firm_a, title="融资担保费补贴（第2批）（合成）")
    factories.entitlement(
        world, world.firm_a, title="担保补贴（不确定）（合成）", decision="undetermined"
    )
    need = _declined(world)
    got = selectors.decline_support(world.users["officer"], need)
    assert [s.title for s in got] == ["融资担保费补贴（第2批）（合成）", "招工补贴（合成）"]
    assert got[0].measure_id == latest.measure_id


def test_the_page_lists_ten_suggestions_and_links_to_all(world, client):
    for i in range(13):
        factories.entitlement(world, world.firm_a, title=f"补贴{i:02d}（合成）")
    need = _declined(world)
    client.force_login(world.users["officer"])
    page = client.get(reverse("finance:need", args=[need.pk])).content.decode()
    assert page.count('data-testid="support-') == 10
    assert 'data-testid="decline-support-all"' in page
    assert reverse("policies:firm", args=[world.firm_a.pk]) in page

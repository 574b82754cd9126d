"""Users above the zone (a county's, a city's leader) read a zone's financing and act on none
of it: the services refuse them, the pages and the API answer 403 and offer no form or button
(access.of_zone; docs/security.md, “Financing: who sees and sets what”). The zone's own
leader, beside each refusal, does the same step, so the refusal is the rule and not a broken
form."""

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied
from zonedesk.finance.models import BridgeLoan, FinancingNeed, Guarantee, InterFirmLoan
from zonedesk.finance.services import (
    NeedData,
    consent_grant,
    need_create,
    need_transition,
    need_update,
)
from zonedesk.finance.services import bridge as bridge_services
from zonedesk.finance.services import lending as lending_services
from zonedesk.finance.services.followup import need_problem_open
from zonedesk.org.models import Bank

ABOVE = ["city_leader", "county_leader"]
DAY = dt.date(2020, 6, 1)


@pytest.fixture
def world(shared_world):
    w = shared_world
    w.users["county_leader"] = factories.user("county_leader", ["leader"], area=w.kaijiang)
    return w


@pytest.fixture
def bank(world):
    return Bank.objects.get(name="测试银行开江支行")


@pytest.fixture
def fund(world):
    return factories.bridge_fund(world.zone_a, cap_per_firm_wan=None)


def need_data():
    return NeedData(
        amount_wan=D(100), term_months=12, purpose="working_capital", collateral="property"
    )


def application(world, bank):
    return bridge_services.ApplicationData(
        firm=world.firm_a,
        bank=bank,
        maturing_wan=D(400),
        maturing_on=DAY,
        committed_wan=D(400),
        requested_wan=D(300),
        commitment_ref="续贷承诺函（合成）",
    )


# --- services -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ABOVE)
def test_the_services_refuse_a_user_above_the_zone_each_step_on_a_need(world, bank, who):
    user = world.users[who]
    with pytest.raises(PermissionDenied):
        need_create(actor=user, enterprise=world.firm_a, data=need_data())
    need = factories.financing_need(world.firm_a)
    consent_grant(actor=SYSTEM, need=need, bank=bank)  # so that sharing is refused for who
    with pytest.raises(PermissionDenied):
        need_update(actor=user, need=need, data=need_data())
    for to in ("withdrawn", "shared"):
        with pytest.raises(PermissionDenied):
            need_transition(actor=user, need=need, to=to)
    declined = factories.financing_need_walk(world.firm_a, "declined", bank)
    with pytest.raises(PermissionDenied):
        need_problem_open(actor=user, need=declined)
    need.refresh_from_db()
    assert need.status == "draft" and need.version == 1
    # the zone's own leader may
    moved = need_transition(actor=world.users["leader"], need=need, to="withdrawn")
    assert moved.status == "withdrawn"


@pytest.mark.parametrize("who", ABOVE)
def test_the_services_refuse_a_user_above_the_zone_each_step_on_a_bridge_loan(
    world, bank, fund, who
):
    user = world.users[who]
    with pytest.raises(PermissionDenied):
        bridge_services.bridge_loan_apply(
            actor=user, fund=fund, data=application(world, bank), today=DAY
        )
    assert not BridgeLoan.objects.exists()
    applied = factories.bridge_loan(fund, world.firm_a, bank, day=DAY)
    approved = factories.bridge_loan(fund, world.firm_a2, bank, state="approved", day=DAY)
    out = factories.bridge_loan(fund, world.firm_a, bank, state="disbursed", day=DAY)
    for loan, to, extra in [
        (applied, "approved", {}),
        (applied, "refused", {"note": "不符合条件（合成）"}),
        (approved, "disbursed", {"on": DAY}),
        (out, "repaid", {"on": DAY}),
    ]:
        with pytest.raises(PermissionDenied):
            bridge_services.bridge_loan_move(actor=user, loan=loan, to=to, **extra)
        loan.refresh_from_db()
        assert loan.status != to
    leader = world.users["leader"]
    assert bridge_services.bridge_loan_move(actor=leader, loan=applied, to="approved").status == (
        "approved"
    )


@pytest.mark.parametrize("who", ABOVE)
def test_the_services_refuse_a_user_above_the_zone_registering_lending(world, who):
    user = world.users[who]
    with pytest.raises(PermissionDenied):
        lending_services.interfirm_loan_create(
            actor=user,
            data=lending_services.LoanData(
                lender=world.firm_a,
                borrower=world.firm_a2,
                amount_wan=D(50),
                term_months=12,
                rate_pct=D(6),
                contract_on=DAY,
            ),
        )
    with pytest.raises(PermissionDenied):
        lending_services.guarantee_create(
            actor=user,
            data=lending_services.GuaranteeData(
                guarantor=world.firm_a, guaranteed=world.firm_a2, amount_wan=D(50), starts_on=DAY
            ),
        )
    assert not InterFirmLoan.objects.exists() and not Guarantee.objects.exists()


# --- pages and API ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ABOVE)
def test_the_pages_offer_a_user_above_the_zone_no_step_and_refuse_each_post(
    world, client_for, bank, fund, who
):
    client = client_for(world.users[who])
    need = factories.financing_need(world.firm_a)
    # they read the firm's tab, the need, the loan and the register, with no form on them
    tab = client.get(reverse("finance:firm", args=[world.firm_a.pk]))
    assert tab.status_code == 200 and 'data-testid="need-new"' not in tab.content.decode()
    page = client.get(reverse("finance:need", args=[need.pk])).content.decode()
    assert 'data-testid="need-edit"' not in page and 'data-testid="do-withdrawn"' not in page
    loan = factories.bridge_loan(fund, world.firm_a, bank, day=DAY)
    loan_page = client.get(reverse("finance:bridge_loan", args=[loan.pk]))
    assert loan_page.status_code == 200
    assert 'data-testid="loan-actions"' not in loan_page.content.decode()
    dashboard = client.get(reverse("finance:bridge")).content.decode()
    assert 'data-testid="apply-link"' not in dashboard
    register = client.get(reverse("finance:lending"))
    assert register.status_code == 200
    assert 'data-testid="loan-new"' not in register.content.decode()
    assert 'data-testid="guarantee-new"' not in register.content.decode()
    # and each post is refused
    posts = [
        (reverse("finance:need_new", args=[world.firm_a.pk]), {"amount_wan": "100"}),
        (reverse("finance:need_edit", args=[need.pk]), {"amount_wan": "100"}),
        (reverse("finance:need_move", args=[need.pk]), {"to": "withdrawn", "version": 1}),
        (reverse("finance:bridge_apply", args=[fund.pk]), {"requested_wan": "1"}),
        *(
            (reverse("finance:bridge_move", args=[loan.pk]), {"to": to, "note": "x", "version": 1})
            for to in ("approved", "refused")
        ),
        (reverse("finance:lending_loan_add"), {"amount_wan": "1"}),
        (reverse("finance:lending_guarantee_add"), {"amount_wan": "1"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    need.refresh_from_db()
    loan.refresh_from_db()
    assert need.status == "draft" and loan.status == "applied"
    assert FinancingNeed.objects.count() == 1


def _api(client, path, body):
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("who", ABOVE)
def test_the_api_refuses_a_user_above_the_zone_each_step(world, client_for, bank, fund, who):
    client = client_for(world.users[who])
    need = factories.financing_need(world.firm_a)
    loan = factories.bridge_loan(fund, world.firm_a, bank, day=DAY)
    calls = [
        (
            f"/finance/firms/{world.firm_a.pk}/needs",
            {"amount_wan": "100", "term_months": 12, "purpose": "equipment", "collateral": "none"},
        ),
        (f"/finance/needs/{need.pk}/move", {"to": "withdrawn", "version": 1}),
        (
            f"/finance/bridge/funds/{fund.pk}/loans",
            {
                "firm_id": world.firm_a.pk,
                "bank_id": bank.pk,
                "maturing_wan": "400",
                "maturing_on": "2020-06-10",
                "committed_wan": "400",
                "requested_wan": "300",
            },
        ),
        *(
            (f"/finance/bridge/loans/{loan.pk}/move", {"to": to, "note": "x"})
            for to in ("approved", "refused")
        ),
        (
            "/finance/lending/loans",
            {
                "lender_id": world.firm_a.pk,
                "borrower_id": world.firm_a2.pk,
                "amount_wan": "50",
                "term_months": 12,
                "rate_pct": "6",
                "contract_on": "2020-06-01",
            },
        ),
        (
            "/finance/lending/guarantees",
            {
                "guarantor_id": world.firm_a.pk,
                "guaranteed_id": world.firm_a2.pk,
                "amount_wan": "50",
                "starts_on": "2020-06-01",
            },
        ),
    ]
    for path, body in calls:
        response = _api(client, path, body)
        assert response.status_code == 403, (path, response.content)
    need.refresh_from_db()
    loan.refresh_from_db()
    assert need.status == "draft" and loan.status == "applied"
    assert BridgeLoan.objects.count() == 1 and not InterFirmLoan.objects.exists()

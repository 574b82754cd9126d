"""Financing input that makes no sense is refused at its field, in words, before anything is
stored: a guarantee ending before it starts (never the constraint's name), a product lending
nothing or dearer than 24 % a year, an inter-firm loan dated in the future, of an absurd amount
or registered twice, a bridge loan approved without the bank's written renewal commitment. Each
through the service, the page and the API."""

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from django.apps import apps
from django.db.models import CheckConstraint
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zonedesk.core.errors import ValidationFailed
from zonedesk.finance.models import BridgeLoan, Guarantee, InterFirmLoan
from zonedesk.finance.services import ProductData, product_create
from zonedesk.finance.services import bridge as bridge_services
from zonedesk.finance.services import lending as lending_services
from zonedesk.org.models import Bank

DAY = dt.date(2021, 3, 1)


@pytest.fixture
def world(shared_world):
    return shared_world


def api(client, path, body):
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def refused(call) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.errors


# --- the constraints' messages -------------------------------------------------------------


def test_no_finance_check_constraint_shows_its_name():
    checks = [
        c
        for model in apps.get_app_config("finance").get_models()
        for c in model._meta.constraints
        if isinstance(c, CheckConstraint)
    ]
    assert len(checks) >= 4
    for c in checks:
        text = str(c.get_violation_error_message())
        assert c.name not in text and "finance_" not in text, c.name


def test_a_guarantee_ending_before_it_starts_is_a_field_error_everywhere(world, client_for):
    leader = world.users["leader"]
    data = lending_services.GuaranteeData(
        guarantor=world.firm_a,
        guaranteed=world.firm_a2,
        amount_wan=D(50),
        starts_on=DAY,
        ends_on=DAY - dt.timedelta(days=1),
    )
    errors = refused(lambda: lending_services.guarantee_create(actor=leader, data=data))
    assert set(errors) == {"ends_on"} and "2021-02-28" in errors["ends_on"][0]
    # the model's own check says it in words too
    with pytest.raises(Exception) as caught:
        Guarantee(
            guarantor=world.firm_a,
            guaranteed=world.firm_a2,
            amount_wan=D(1),
            starts_on=DAY,
            ends_on=DAY - dt.timedelta(days=1),
        ).validate_constraints()
    assert "finance_guarantee_dates" not in str(caught.value)
    assert "结束日期早于开始日期" in str(caught.value)
    client = client_for(leader)
    page = client.post(
        reverse("finance:lending_guarantee_add"),
        {
            "guarantor": world.firm_a.pk,
            "guaranteed": world.firm_a2.pk,
            "amount_wan": "50",
            "starts_on": "2021-03-01",
            "ends_on": "2021-02-01",
        },
    )
    body = page.content.decode()
    assert page.status_code == 400 and 'data-testid="error-ends_on"' in body
    assert "结束日期2021-02-01早于开始日期2021-03-01" in body
    assert "finance_guarantee_dates" not in body
    response = api(
        client,
        "/finance/lending/guarantees",
        {
            "guarantor_id": world.firm_a.pk,
            "guaranteed_id": world.firm_a2.pk,
            "amount_wan": "50",
            "starts_on": "2021-03-01",
            "ends_on": "2021-02-01",
        },
    )
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {"ends_on"}
    assert not Guarantee.objects.exists()


# --- a bank's product ----------------------------------------------------------------------


def product(world, **changes):
    values = dict(
        name="封顶测试产品（合成）",
        type="credit",
        amount_min_wan=D(0),
        amount_max_wan=D(500),
        term_max_months=36,
        valid_from=DAY,
        rate_kind="fixed",
        rate_min_pct=D(4),
        rate_max_pct=D(6),
    )
    user = world.users["bank"]
    return product_create(actor=user, bank=user.bank, data=ProductData(**(values | changes)))


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"amount_max_wan": D(0)}, "amount_max_wan", "必须大于0"),
        ({"rate_max_pct": D(99)}, "rate_max_pct", "年利率99%超过24%"),
        ({"rate_min_pct": D(30), "rate_max_pct": D(40)}, "rate_min_pct", "超过24%"),
        ({"rate_kind": "lpr", "lpr_spread_bp": 9000}, "lpr_spread_bp", "个基点"),
        ({"rate_kind": "lpr", "lpr_spread_bp": -900}, "lpr_spread_bp", "个基点"),
    ],
)
def test_a_product_lending_nothing_or_too_dear_is_refused(world, changes, field, words):
    errors = refused(lambda: product(world, **changes))
    assert field in errors and words in " ".join(errors[field]), errors
    # within the caps it is stored
    assert product(world, rate_kind="lpr", lpr_spread_bp=150).pk
    assert product(world, name="二号（合成）", rate_max_pct=D(24)).pk


def test_the_product_api_answers_a_field_error(world, client_for):
    body = {
        "name": "接口封顶（合成）",
        "type": "credit",
        "amount_min_wan": "0",
        "amount_max_wan": "0",
        "term_min_months": 1,
        "term_max_months": 36,
        "rate_kind": "fixed",
        "rate_min_pct": "4",
        "rate_max_pct": "99",
        "valid_from": "2021-01-01",
    }
    response = api(client_for(world.users["bank"]), "/finance/products", body)
    assert response.status_code == 400, response.content
    assert {"amount_max_wan", "rate_max_pct"} <= set(response.json()["errors"])


# --- the lending register ------------------------------------------------------------------


def loan_data(world, **changes):
    values = dict(
        lender=world.firm_a,
        borrower=world.firm_a2,
        amount_wan=D(100),
        term_months=12,
        rate_pct=D(6),
        contract_on=DAY,
    )
    return lending_services.LoanData(**(values | changes))


def test_an_inter_firm_loan_dated_ahead_or_too_large_is_refused(world):
    leader = world.users["leader"]
    future = timezone.localdate() + dt.timedelta(days=1)
    errors = refused(
        lambda: lending_services.interfirm_loan_create(
            actor=leader, data=loan_data(world, contract_on=future)
        )
    )
    assert set(errors) == {"contract_on"} and future.isoformat() in errors["contract_on"][0]
    errors = refused(
        lambda: lending_services.interfirm_loan_create(
            actor=leader, data=loan_data(world, amount_wan=D(100_000_000))
        )
    )
    assert set(errors) == {"amount_wan"}
    assert "100,000,000.00" in errors["amount_wan"][0] and "1,000,000.00" in errors["amount_wan"][0]
    # the cap itself is taken, and today is not the future
    at_cap = loan_data(world, amount_wan=D(1_000_000), contract_on=timezone.localdate())
    assert lending_services.interfirm_loan_create(actor=leader, data=at_cap).pk
    errors = refused(
        lambda: lending_services.guarantee_create(
            actor=leader,
            data=lending_services.GuaranteeData(
                guarantor=world.firm_a,
                guaranteed=world.firm_a2,
                amount_wan=D(1_000_001),
                starts_on=DAY,
            ),
        )
    )
    assert set(errors) == {"amount_wan"}


def test_the_same_loan_twice_is_refused_naming_the_first(world):
    leader = world.users["leader"]
    first = lending_services.interfirm_loan_create(actor=leader, data=loan_data(world))
    errors = refused(
        lambda: lending_services.interfirm_loan_create(actor=leader, data=loan_data(world))
    )
    text = " ".join(errors["__all__"])
    assert f"第{first.pk}号" in text and "2021-03-01" in text and world.firm_a.name in text
    assert InterFirmLoan.objects.count() == 1
    # another amount or day is another loan
    other = loan_data(world, amount_wan=D(101))
    assert lending_services.interfirm_loan_create(actor=leader, data=other).pk


def test_the_register_page_and_api_show_the_field_errors(world, client_for):
    client = client_for(world.users["leader"])
    future = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    page = client.post(
        reverse("finance:lending_loan_add"),
        {
            "lender": world.firm_a.pk,
            "borrower": world.firm_a2.pk,
            "amount_wan": "100000000",
            "term_months": "12",
            "rate_pct": "6",
            "contract_on": future,
        },
    )
    body = page.content.decode()
    assert page.status_code == 400
    assert 'data-testid="error-contract_on"' in body and 'data-testid="error-amount_wan"' in body
    lending_services.interfirm_loan_create(actor=world.users["leader"], data=loan_data(world))
    response = api(
        client,
        "/finance/lending/loans",
        {
            "lender_id": world.firm_a.pk,
            "borrower_id": world.firm_a2.pk,
            "amount_wan": "100",
            "term_months": 12,
            "rate_pct": "6",
            "contract_on": "2021-03-01",
        },
    )
    assert response.status_code == 400, response.content
    assert "已经登记" in " ".join(response.json()["errors"]["__all__"])
    response = api(
        client,
        "/finance/lending/loans",
        {
            "lender_id": world.firm_a.pk,
            "borrower_id": world.firm_a2.pk,
            "amount_wan": "100",
            "term_months": 12,
            "rate_pct": "6",
            "contract_on": future,
        },
    )
    assert response.status_code == 400 and "contract_on" in response.json()["errors"]
    assert InterFirmLoan.objects.count() == 1


# --- the bank's written commitment of a bridge loan ----------------------------------------


@pytest.fixture
def fund(world):
    return factories.bridge_fund(world.zone_a)


@pytest.fixture
def bank(world):
    return Bank.objects.get(name="测试银行开江支行")


def test_a_bridge_loan_is_approved_only_on_the_banks_written_commitment(
    world, fund, bank, client_for
):
    bare = factories.bridge_loan(fund, world.firm_a, bank, commitment_ref="")
    officer = world.users["officer"]
    errors = refused(
        lambda: bridge_services.bridge_loan_move(actor=officer, loan=bare, to="approved")
    )
    assert set(errors) == {"commitment_ref"} and "书面续贷承诺" in errors["commitment_ref"][0]
    bare.refresh_from_db()
    assert bare.status == "applied"
    # the page asks for it beside the approval, and refuses at that field without it
    client = client_for(officer)
    page = client.get(reverse("finance:bridge_loan", args=[bare.pk])).content.decode()
    assert 'data-testid="commitment-ref-input"' in page
    response = client.post(
        reverse("finance:bridge_move", args=[bare.pk]),
        {"to": "approved", "amount_wan": "250", "version": bare.version},
    )
    body = response.content.decode()
    assert response.status_code == 400 and "书面续贷承诺" in body
    assert 'value="250"' in body  # what was typed stays
    assert f'<meta name="zonedesk-page-url" content="/finance/bridge/loans/{bare.pk}/">' in body
    # the API says the same at the field
    moved = api(client, f"/finance/bridge/loans/{bare.pk}/move", {"to": "approved"})
    assert moved.status_code == 400 and set(moved.json()["errors"]) == {"commitment_ref"}
    # given with the approval, it is stored and the loan approved
    ok = api(
        client,
        f"/finance/bridge/loans/{bare.pk}/move",
        {"to": "approved", "commitment_ref": "工行续贷承诺函 2021-001（合成）"},
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["commitment_ref"] == "工行续贷承诺函 2021-001（合成）"
    bare.refresh_from_db()
    assert bare.status == "approved" and bare.commitment_ref.startswith("工行")
    # an application carrying it is approved as before
    carried = factories.bridge_loan(fund, world.firm_a2, bank)
    assert bridge_services.bridge_loan_move(actor=officer, loan=carried, to="approved").pk
    assert BridgeLoan.objects.filter(status="approved").count() == 2

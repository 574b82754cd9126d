"""A bank approves a need within the range of the product it chose: an amount or a term outside
the product's published range is refused at its field, naming the figures, nothing changed (the
service, the bank's form and the API)."""

import json
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation

from tests import factories
from zonedesk.core.errors import ValidationFailed
from zonedesk.finance import services


def _under_review(world, amount=D(2000)):
    bank_user = world.users["bank"]
    product = factories.bank_product(
        bank_user.bank, amount_min_wan=D(10), amount_max_wan=D(300), term_max_months=36
    )
    need = factories.financing_need(world.firm_a, shared_with=[bank_user.bank], amount_wan=amount)
    for move in ("received", "under_review"):
        need = services.need_transition(actor=bank_user, need=need, to=move)
    return bank_user, product, need


def test_the_service_refuses_an_amount_or_term_outside_the_product(world):
    bank_user, product, need = _under_review(world)
    before = (need.status, need.version, need.approved_amount_wan, need.product_id)
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as caught:
        services.need_transition(
            actor=bank_user,
            need=need,
            to="approved",
            amount_wan="1500",
            rate_pct="4.2",
            term_months=48,
            product=product,
        )
    [amount] = caught.value.errors["amount_wan"]
    assert "1,500.00" in amount and "10.00" in amount and "300.00" in amount
    assert product.name in amount and "超出产品" in amount
    [term] = caught.value.errors["term_months"]
    assert "48" in term and "36" in term
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.need_transition(
            actor=bank_user, need=need, to="approved", amount_wan="5", term_months=12,
            rate_pct="4.2", product=product,
        )  # fmt: skip
    assert "outside the range" in caught.value.errors["amount_wan"][0]
    need.refresh_from_db()
    assert (need.status, need.version, need.approved_amount_wan, need.product_id) == before
    need = services.need_transition(
        actor=bank_user,
        need=need,
        to="approved",
        amount_wan="300",
        rate_pct="4.2",
        term_months=36,
        product=product,
    )
    assert need.approved_amount_wan == 300 and need.product == product


def test_the_bank_form_names_the_figures_at_the_field(world, client_for):
    bank_user, product, need = _under_review(world)
    body = {
        "to": "approved",
        "version": need.version,
        "amount_wan": "1500",
        "rate_pct": "4.2",
        "term_months": "12",
        "product": product.pk,
    }
    response = client_for(bank_user).post(
        reverse("finance:need_move", args=[need.pk]), body, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-amount_wan"' in html and "1,500.00" in html and "300.00" in html
    need.refresh_from_db()
    assert need.status == "under_review" and need.approved_amount_wan is None


def test_the_api_refuses_with_the_field_and_the_figures(world, client_for):
    bank_user, product, need = _under_review(world)
    body = {
        "to": "approved",
        "version": need.version,
        "amount_wan": "1500",
        "rate_pct": "4.2",
        "term_months": 12,
        "product_id": product.pk,
    }
    response = client_for(bank_user).post(
        reverse("api:move_financing_need", args=[need.pk]),
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    said = json.dumps(response.json(), ensure_ascii=False)
    assert "1,500.00" in said and "超出产品" in said
    assert "amount_wan" in response.content.decode()
    need.refresh_from_db()
    assert need.status == "under_review" and need.approved_amount_wan is None

"""A refused step on a need's page (an approval above the amount asked, without its rate; a
consent the form refuses) shows the page again with what was typed and the error at its field,
and names the need's own address for the address bar (page_url, app.js). The refusals answer
400 like every refused form of the site."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests import factories
from zonedesk.finance.models import Consent
from zonedesk.org.models import Bank


@pytest.fixture
def world(shared_world):
    return shared_world


@pytest.fixture
def bank(world):
    return Bank.objects.get(name="测试银行开江支行")


def own(need) -> str:
    return f'<meta name="zonedesk-page-url" content="{reverse("finance:need", args=[need.pk])}">'


def test_a_refused_approval_keeps_what_was_typed_at_its_fields(world, client_for, bank):
    need = factories.financing_need_walk(world.firm_a, "under_review", bank)
    client = client_for(world.users["bank"])
    url = reverse("finance:need_move", args=[need.pk])
    above = client.post(
        url,
        {
            "to": "approved",
            "version": need.version,
            "amount_wan": "150",
            "rate_pct": "4.35",
            "term_months": "18",
        },
    )
    body = above.content.decode()
    assert above.status_code == 400
    assert 'data-testid="error-amount_wan"' in body and "100.00" in body  # the amount asked
    assert 'value="150"' in body and 'value="4.35"' in body and 'value="18"' in body
    assert own(need) in body
    no_rate = client.post(
        url, {"to": "approved", "version": need.version, "amount_wan": "80", "term_months": "12"}
    )
    body = no_rate.content.decode()
    assert no_rate.status_code == 400
    assert 'data-testid="error-rate_pct"' in body and 'value="80"' in body
    assert own(need) in body
    need.refresh_from_db()
    assert need.status == "under_review" and need.approved_amount_wan is None
    # within the need, the same form approves it
    ok = client.post(
        url,
        {
            "to": "approved",
            "version": need.version,
            "amount_wan": "80",
            "rate_pct": "4.35",
            "term_months": "12",
        },
    )
    assert ok.status_code == 302
    need.refresh_from_db()
    assert need.status == "approved" and need.approved_amount_wan == D(80)


def test_a_refused_consent_keeps_what_was_typed_at_its_field(world, client_for, bank):
    need = factories.financing_need(world.firm_a)
    client = client_for(world.users["officer"])
    written = "企业书面授权书" * 30  # 210 characters: at most 200
    response = client.post(
        reverse("finance:consent_grant", args=[need.pk]),
        {"bank": bank.pk, "written": written, "covers_figures": "on"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-written"' in body and f'value="{written}"' in body
    assert f'<option value="{bank.pk}" selected>' in body
    assert 'name="covers_figures" checked' in body
    assert own(need) in body
    assert not Consent.objects.filter(need=need).exists()

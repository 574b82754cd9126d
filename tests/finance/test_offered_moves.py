"""Options that are not offered (issue 19): withdrawing a need a bank has approved (the page,
the API and the service refuse it, in words that say why), a draft in the bank's status filter,
and a need the firm withdrew before the bank responded, in the bank's inbox."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import DomainError
from zonedesk.finance import selectors, services
from zonedesk.finance.models import FinancingNeed


def _approved(world):
    bank_user = world.users["bank"]
    need = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    for to, data in (
        ("received", {}),
        ("under_review", {}),
        ("approved", {"amount_wan": Decimal("80"), "rate_pct": Decimal("3.9"), "term_months": 12}),
    ):
        need = services.need_transition(actor=bank_user, need=need, to=to, **data)
    return need


def test_an_approved_need_is_not_offered_for_withdrawal_and_is_refused(world, client_for):
    need = _approved(world)
    officer = world.users["officer"]
    assert "withdrawn" not in selectors.need_page(officer, need).moves
    client = client_for(officer)
    html = client.get(reverse("finance:need", args=[need.pk])).content.decode()
    assert 'data-testid="do-withdrawn"' not in html
    with pytest.raises(DomainError) as refused:
        services.need_transition(actor=officer, need=need, to="withdrawn")
    assert "银行已批准" in str(refused.value) or "approved" in str(refused.value)
    api = client.post(
        reverse("api:move_financing_need", args=[need.pk]),
        json.dumps({"to": "withdrawn", "version": need.version}),
        content_type="application/json",
    )
    assert api.status_code == 409, api.content
    need.refresh_from_db()
    assert need.status == "approved"


def test_a_need_under_review_may_still_be_withdrawn(world):
    bank_user = world.users["bank"]
    need = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    for to in ("received", "under_review"):
        need = services.need_transition(actor=bank_user, need=need, to=to)
    assert "withdrawn" in selectors.need_page(world.users["officer"], need).moves
    need = services.need_transition(actor=world.users["officer"], need=need, to="withdrawn")
    assert need.status == "withdrawn"


def test_the_bank_status_filter_offers_no_draft(world, client_for):
    page = client_for(world.users["bank"]).get(reverse("finance:inbox"))
    keys = [k for k, _label in page.context["statuses"]]
    assert "draft" not in keys and "approved" in keys
    assert 'value="draft"' not in page.content.decode()
    staff = client_for(world.users["officer"]).get(reverse("finance:pipeline"))
    assert "draft" in [k for k, _label in staff.context["statuses"]]


def test_a_need_withdrawn_before_the_bank_responded_leaves_its_inbox(world, client_for):
    bank_user = world.users["bank"]
    untouched = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    untouched = services.need_transition(actor=SYSTEM, need=untouched, to="withdrawn")
    taken_up = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    taken_up = services.need_transition(actor=bank_user, need=taken_up, to="received")
    taken_up = services.need_transition(actor=SYSTEM, need=taken_up, to="withdrawn")
    seen = set(selectors.need_scope(bank_user).values_list("pk", flat=True))
    assert untouched.pk not in seen and taken_up.pk in seen
    html = client_for(bank_user).get(reverse("finance:inbox")).content.decode()
    assert f'data-testid="need-{untouched.pk}"' not in html
    assert f'data-testid="need-{taken_up.pk}"' in html
    assert FinancingNeed.objects.filter(pk=untouched.pk, status="withdrawn").exists()

"""What a bank user may learn of a need: one it may not act on is refused before its state,
version or the move's fields are read (403, no word of its state), one never shared with it is
not found; and once the firm revoked its consent, the bank that approved sees its decision record
only (amount, term, purpose, its own decision and disbursement), on the page and over the API."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils.timezone import localdate

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied
from zonedesk.finance import selectors, services
from zonedesk.finance.models import FinancingNeed

JSON = "application/json"
STATES = [str(label) for _v, label in FinancingNeed.Status.choices] + list(
    FinancingNeed.Status.values
)


@pytest.fixture
def handled_elsewhere(world):
    """Shared with the bank user's bank and another; the other bank handles it (under review)."""
    mine = world.users["bank"].bank
    other = factories.bank("另一银行（合成）")
    need = factories.financing_need(world.firm_a, shared_with=[mine, other])
    for move in ("received", "under_review"):
        need = services.need_transition(actor=SYSTEM, need=need, to=move)
    FinancingNeed.objects.filter(pk=need.pk).update(bank=other)
    need.refresh_from_db()
    return need


def _said_nothing_of_the_state(text: str) -> None:
    assert "cannot be" not in text and "不能" not in text, text
    assert "审查" not in text and "under review" not in text.lower(), text


@pytest.mark.parametrize("to", ["disbursed", "approved", "received", "repaid"])
def test_a_bank_that_may_not_act_is_refused_before_the_state(
    world, client_for, handled_elsewhere, to
):
    need = handled_elsewhere
    bank = client_for(world.users["bank"])
    before = (need.status, need.version)
    page = bank.post(
        reverse("finance:need_move", args=[need.pk]), {"to": to, "version": need.version}
    )
    assert page.status_code == 403
    _said_nothing_of_the_state(page.content.decode())
    # a stale version, or a move's missing fields, say nothing either
    api = bank.post(
        reverse("api:move_financing_need", args=[need.pk]),
        json.dumps({"to": to, "version": need.version + 5}),
        content_type=JSON,
    )
    assert api.status_code == 403, api.content
    _said_nothing_of_the_state(api.content.decode())
    with pytest.raises(PermissionDenied):
        services.need_transition(
            actor=world.users["bank"], need=need, to=to, expected_version=need.version + 5
        )
    need.refresh_from_db()
    assert (need.status, need.version) == before


def test_a_need_never_shared_with_the_bank_is_not_found(world, client_for):
    other = factories.bank("另一银行（合成）")
    need = factories.financing_need(world.firm_a, shared_with=[other])
    bank = client_for(world.users["bank"])
    for response in (
        bank.get(reverse("finance:need", args=[need.pk])),
        bank.post(reverse("finance:need_move", args=[need.pk]), {"to": "approved", "version": 1}),
        bank.post(
            reverse("api:move_financing_need", args=[need.pk]),
            json.dumps({"to": "approved", "version": 1}),
            content_type=JSON,
        ),
    ):
        assert response.status_code == 404
        _said_nothing_of_the_state(response.content.decode())


NOTE = "企业备注：厂房抵押详情（合成）"


def _approved_then_revoked(world, reviewed_by=None):
    bank_user = world.users["bank"]
    need = factories.financing_need(
        world.firm_a,
        shared_with=[bank_user.bank],
        covers_figures=True,
        note=NOTE,
        collateral="receivables",
        urgency="critical",
    )
    need.consents.update(covers_contacts=True)
    for to, data in (
        ("received", {}),
        ("under_review", {}),
        ("approved", {"amount_wan": Decimal("80"), "rate_pct": Decimal("3.9"), "term_months": 12}),
        ("disbursed", {"amount_wan": Decimal("70"), "on": localdate()}),
    ):
        actor = reviewed_by if to == "under_review" and reviewed_by is not None else bank_user
        need = services.need_transition(actor=actor, need=need, to=to, **data)
    services.consent_revoke(actor=world.users["enterprise"], consent=need.consents.get())
    return need


def test_after_revocation_the_page_shows_the_decision_record_only(world, client_for):
    need = _approved_then_revoked(world)
    response = client_for(world.users["bank"]).get(reverse("finance:need", args=[need.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="need-approved"' in html and "80.00" in html and "70.00" in html
    assert str(need.term_months) in html
    for hidden in (
        NOTE,
        "应收账款",
        "Receivables",
        "紧急",
        "Critical",
        'data-testid="need-figures"',
    ):
        assert hidden not in html, hidden
    assert 'data-testid="need-contacts"' not in html
    page = response.context["page"]
    assert page.decision_only and {e.to_state for e in page.events} <= {
        "received",
        "under_review",
        "approved",
        "disbursed",
    }
    # the stored need is untouched: the firm's side still reads it whole
    need.refresh_from_db()
    assert need.note == NOTE and need.collateral == "receivables"
    assert selectors.need_page(world.users["officer"], need).need.note == NOTE


def test_after_revocation_the_api_gives_the_decision_record_only(world, client_for):
    need = _approved_then_revoked(world)
    body = (
        client_for(world.users["bank"])
        .get(reverse("api:get_financing_need", args=[need.pk]))
        .json()
    )
    assert body["amount_wan"] in ("100.00", 100, "100") or Decimal(str(body["amount_wan"])) == 100
    assert body["term_months"] == 12 and body["purpose"] == "working_capital"
    assert Decimal(str(body["approved_amount_wan"])) == 80
    assert Decimal(str(body["disbursed_amount_wan"])) == 70
    assert body["note"] == "" and body["collateral"] == "" and body["urgency"] == ""
    assert body["shared_on"] is None and body["respond_by"] is None
    assert body["figures"] is None and body["consents"] == [] and body["problem_id"] is None
    assert NOTE not in json.dumps(body, ensure_ascii=False)


def test_after_revocation_the_inbox_row_export_and_api_list_show_the_decision_record_only(
    world, client_for
):
    need = _approved_then_revoked(world)
    need.refresh_from_db()
    assert need.respond_by is not None and need.collateral == "receivables"
    deadline = need.respond_by.isoformat()
    bank = client_for(world.users["bank"])

    html = bank.get(reverse("finance:inbox")).content.decode()
    assert f'data-testid="need-{need.pk}"' in html
    for hidden in ("应收账款", "Receivables", deadline):
        assert hidden not in html, hidden

    response = bank.get(reverse("finance:inbox_export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    head = [c.value for c in sheet[1]]
    row = dict(zip(head, [c.value for c in sheet[2]], strict=True))
    assert row["金额（万元）"] == 100 or Decimal(str(row["金额（万元）"])) == 100
    for column in ("担保方式", "紧急程度", "推送日期", "银行应答期限"):
        assert row[column] in (None, ""), (column, row[column])

    body = bank.get(reverse("api:list_financing_needs")).json()
    (item,) = [i for i in body["items"] if i["id"] == need.pk]
    assert item["collateral"] == "" and item["urgency"] == "" and item["note"] == ""
    assert item["shared_on"] is None and item["respond_by"] is None
    assert Decimal(str(item["approved_amount_wan"])) == 80
    # the firm's side reads it whole
    staff = client_for(world.users["officer"]).get(reverse("api:list_financing_needs")).json()
    (whole,) = [i for i in staff["items"] if i["id"] == need.pk]
    assert whole["collateral"] == "receivables" and whole["respond_by"] == deadline


def test_after_revocation_the_history_shows_the_banks_own_moves_only(world, client_for):
    need = _approved_then_revoked(world, reviewed_by=SYSTEM)  # not the bank's own move
    bank_user = world.users["bank"]
    page = client_for(bank_user).get(reverse("finance:need", args=[need.pk])).context["page"]
    assert page.events and all(
        e.actor is not None and e.actor.bank_id == bank_user.bank_id for e in page.events
    )
    assert {e.to_state for e in page.events} == {
        "received",
        "approved",
        "disbursed",
    }
    assert page.response_days is None and page.need.shared_on is None

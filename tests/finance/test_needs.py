"""Financing needs: who raises them, the bank's response limit in working days, and the moves'
own fields (approval, decline reasons, disbursement)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.workflow import TransitionRefused
from zonedesk.finance import selectors, services
from zonedesk.finance.models import NeedEvent

DATA = services.NeedData(
    amount_wan=Decimal("200"), term_months=12, purpose="equipment", collateral="equipment"
)


def test_the_firm_its_officer_and_managers_raise_a_need_others_may_not(world):
    """Firm user, officer and leader raise; another officer, the bank and the auditor are
    refused."""
    for who in ("enterprise", "officer", "leader"):
        need = services.need_create(actor=world.users[who], enterprise=world.firm_a, data=DATA)
        assert need.status == "draft" and need.raised_by == world.users[who]
    for who in ("officer2", "bank", "auditor"):
        with pytest.raises(PermissionDenied):
            services.need_create(actor=world.users[who], enterprise=world.firm_a, data=DATA)


def test_a_need_from_a_financing_problem_is_linked_both_ways(world):
    """Raised from a problem of the financing category, the need names it and the problem's
    page finds it; a problem of another category is refused."""
    problem = factories.problem(world.firm_a, category="finance")
    need = services.need_create(
        actor=world.users["officer"], enterprise=world.firm_a, data=DATA, problem=problem
    )
    assert selectors.needs_of_problem(world.users["officer"], problem) == [need]
    other = factories.problem(world.firm_a, category="land")
    with pytest.raises(ValidationFailed):
        services.need_create(actor=SYSTEM, enterprise=world.firm_a, data=DATA, problem=other)


def test_sharing_needs_a_consent_and_sets_the_response_limit(world):
    """Without consent the need cannot be shared; shared, the bank has 5 working days."""
    need = factories.financing_need(world.firm_a)
    with pytest.raises(TransitionRefused):
        services.need_transition(actor=world.users["enterprise"], need=need, to="shared")
    services.consent_grant(
        actor=world.users["enterprise"], need=need, bank=world.users["bank"].bank
    )
    need = services.need_transition(actor=world.users["enterprise"], need=need, to="shared")
    assert need.shared_on == timezone.localdate()
    assert need.respond_by > need.shared_on + dt.timedelta(days=4)
    assert not selectors.is_overdue(need, need.shared_on)
    assert selectors.is_overdue(need, need.respond_by + dt.timedelta(days=1))


def test_the_bank_takes_it_up_and_becomes_the_bank_handling_it(world):
    """The first move of the consented bank records its response; another bank may not act."""
    bank_user = world.users["bank"]
    need = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    other_bank = factories.bank("另一银行（合成）")
    stranger = factories.user("bank2", ["bank"], area=world.kaijiang, bank=other_bank)
    with pytest.raises(PermissionDenied):
        services.need_transition(actor=stranger, need=need, to="received")
    need = services.need_transition(actor=bank_user, need=need, to="received")
    assert need.bank == bank_user.bank and need.responded_on == timezone.localdate()
    assert selectors.response_working_days(need) == 0


def test_approval_decline_and_disbursement_record_their_fields(world):
    """Approval needs amount, rate and term; a decline a reason of the list (and words for
    "other"); disbursement its date and amount; every move writes an event."""
    bank_user = world.users["bank"]
    need = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    for move in ("received", "under_review"):
        need = services.need_transition(actor=bank_user, need=need, to=move)
    with pytest.raises(ValidationFailed):
        services.need_transition(actor=bank_user, need=need, to="approved", amount_wan="80")
    need = services.need_transition(
        actor=bank_user, need=need, to="approved", amount_wan="80", rate_pct="4.2", term_months=12
    )
    assert (need.approved_amount_wan, need.approved_rate_pct) == (Decimal("80"), Decimal("4.2"))
    need = services.need_transition(
        actor=bank_user, need=need, to="disbursed", on=timezone.localdate(), amount_wan="80"
    )
    assert need.disbursed_amount_wan == Decimal("80")
    assert NeedEvent.objects.filter(need=need).count() == 5

    other = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    other = services.need_transition(actor=bank_user, need=other, to="received")
    with pytest.raises(ValidationFailed):
        services.need_transition(actor=bank_user, need=other, to="declined", reason="other")
    with pytest.raises(ValidationFailed) as refused:  # a control character hides the words
        services.need_transition(
            actor=bank_user, need=other, to="declined", reason="collateral", note="估值\u202e不足"
        )
    assert "U+202E" in refused.value.errors["note"][0]
    other.refresh_from_db()
    assert other.status == "received" and other.decline_note == ""
    other = services.need_transition(
        actor=bank_user, need=other, to="declined", reason="collateral", note="估值不足"
    )
    assert (other.status, other.decline_reason) == ("declined", "collateral")


def test_a_stale_edit_is_refused(world):
    """An edit made on an older version is refused (optimistic check)."""
    from zonedesk.core.errors import StaleVersion

    need = factories.financing_need(world.firm_a)
    services.need_update(actor=SYSTEM, need=need, data=DATA, expected_version=need.version)
    with pytest.raises(StaleVersion):
        services.need_update(actor=SYSTEM, need=need, data=DATA, expected_version=1)

"""The demo's financing: six banks, 25 products, 40 needs in every state; the demo bank user
sees exactly the needs shared with its bank while the consent stands."""

import io

from django.core.management import call_command

from zonedesk.finance import selectors
from zonedesk.finance.models import BankProduct, Consent, FinancingNeed
from zonedesk.org.models import Bank, User


def test_the_demo_has_banks_products_and_needs_in_every_state(demo):
    assert Bank.objects.count() == 6
    assert BankProduct.objects.count() == 25
    needs = FinancingNeed.objects.filter(enterprise__zone__code="demo")
    assert needs.count() == 40
    assert set(needs.values_list("status", flat=True)) == set(FinancingNeed.Status.values)
    assert needs.filter(problem__isnull=False).count() >= 1


def test_the_demo_bank_user_sees_only_its_consented_needs(demo):
    """Shared with its bank, consent standing, never a draft nor withdrawn before the bank took
    it up; a revoked one is gone."""
    bank_user = User.objects.get(username="bank")
    seen = set(selectors.need_scope(bank_user).values_list("pk", flat=True))
    standing = Consent.objects.filter(bank=bank_user.bank, revoked_at__isnull=True).exclude(
        need__status="draft"
    )
    untouched = standing.filter(need__status="withdrawn").exclude(need__bank=bank_user.bank)
    assert untouched.exists()  # the demo has one: it left the inbox
    expected = set(standing.exclude(pk__in=untouched).values_list("need_id", flat=True))
    assert seen == expected and len(seen) > 20
    revoked = Consent.objects.filter(bank=bank_user.bank, revoked_at__isnull=False).get()
    assert revoked.need_id not in seen


def test_the_demo_half_year_has_its_financing_paragraph(demo):
    out = io.StringIO()
    call_command("report", "finance", "--zone", "demo", "--period", "2020-H1", stdout=out)
    text = out.getvalue()
    assert "银行" in text or "bank" in text.lower()


def test_the_demo_dates_are_consistent_and_in_its_half_year(demo):
    """Raised, consented (before or on the day it was shared), every move and the revocation:
    all dated in the first half of 2020, none on the day the demo was built."""
    import datetime as dt

    from django.utils import timezone

    from zonedesk.finance.models import NeedEvent

    first, last = dt.date(2020, 1, 1), dt.date(2020, 6, 30)

    def day(at):
        return timezone.localdate(at)

    needs = FinancingNeed.objects.filter(enterprise__zone__code="demo")
    assert all(first <= day(n.created_at) <= last for n in needs)
    for c in Consent.objects.filter(need__in=needs).select_related("need"):
        assert first <= day(c.granted_at) <= last, c
        assert c.need.shared_on is None or day(c.granted_at) <= c.need.shared_on, c
        assert day(c.need.created_at) <= day(c.granted_at), c
        assert c.revoked_at is None or first <= day(c.revoked_at) <= last, c
    events = NeedEvent.objects.filter(need__in=needs)
    assert events.exists()
    for e in events:
        assert first <= day(e.at) <= last, (e.need_id, e.to_state, e.at)
        assert day(e.at).isoformat() == e.payload["on"], (e.need_id, e.payload)


def test_the_demo_bridge_loans_history_is_dated_as_its_loans(demo):
    """Each move of a demo bridge loan is stamped on the day it records (disbursed on, repaid
    on), not on the day the demo was built."""
    from django.utils import timezone

    from zonedesk.finance.models import BridgeLoan

    loans = BridgeLoan.objects.filter(fund__zone__code="demo", repaid_on__isnull=False)
    assert loans.exists()
    for loan in loans:
        repaid = loan.events.get(to_state="repaid")
        assert timezone.localdate(repaid.at) == loan.repaid_on, loan
        assert timezone.localdate(loan.applied_at) <= loan.disbursed_on, loan


def test_no_demo_lender_guarantees_its_own_loan(demo):
    """金山纺织 lends to 银河塑料: the guarantor of that loan is another firm."""
    from zonedesk.finance.models import InterFirmLoan

    loans = InterFirmLoan.objects.prefetch_related("guarantees")
    assert loans.count() >= 4
    for loan in loans:
        assert all(g.guarantor_id != loan.lender_id for g in loan.guarantees.all()), loan

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
    """Shared with its bank, consent standing, never a draft; a revoked one is gone."""
    bank_user = User.objects.get(username="bank")
    seen = set(selectors.need_scope(bank_user).values_list("pk", flat=True))
    expected = set(
        Consent.objects.filter(bank=bank_user.bank, revoked_at__isnull=True)
        .exclude(need__status="draft")
        .values_list("need_id", flat=True)
    )
    assert seen == expected and len(seen) > 20
    revoked = Consent.objects.filter(bank=bank_user.bank, revoked_at__isnull=False).get()
    assert revoked.need_id not in seen


def test_the_demo_half_year_has_its_financing_paragraph(demo):
    out = io.StringIO()
    call_command("report", "finance", "--zone", "demo", "--period", "2020-H1", stdout=out)
    text = out.getvalue()
    assert "银行" in text or "bank" in text.lower()

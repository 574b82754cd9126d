"""The bank's inbox in a real browser on a phone: the demo bank user sees exactly the needs the
firms shared with its bank while the consent stands, and nothing once the consents are revoked."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTHING_SCROLLS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _shown(page) -> set[int]:
    ids = page.locator("tr[data-testid^=need-]").evaluate_all(
        "rows => rows.map(r => r.dataset.testid.slice(5))"
    )
    return {int(i) for i in ids}


def test_the_bank_sees_exactly_its_shared_needs_and_nothing_after_revocation(
    demo, live_server, open_page, log_in
):
    from zonedesk.core.actors import SYSTEM
    from zonedesk.finance.models import Consent
    from zonedesk.finance.services import consent_revoke
    from zonedesk.org.models import User

    bank = User.objects.get(username="bank").bank
    standing = Consent.objects.filter(bank=bank, revoked_at__isnull=True).exclude(
        need__status="draft"
    )
    expected = set(standing.values_list("need_id", flat=True))
    assert len(expected) > 20

    page, problems = open_page(viewport={"width": 390, "height": 844})
    log_in(page, live_server.url, "bank", then="/finance/inbox/")
    expect(page.get_by_test_id("inbox-note")).to_be_visible()
    assert _shown(page) == expected
    assert page.evaluate(NOTHING_SCROLLS)

    # One need: its page shows what the consent covers, never the matches of other banks.
    first = min(expected)
    page.goto(f"{live_server.url}/finance/needs/{first}/")
    expect(page.get_by_test_id("need-card")).to_be_visible()
    expect(page.get_by_test_id("matches")).to_have_count(0)
    assert page.evaluate(NOTHING_SCROLLS)
    assert problems == []

    # The firm revokes one consent: the need leaves the inbox at once, its page is not found.
    consent_revoke(actor=SYSTEM, consent=standing.get(need_id=first))
    page.goto(f"{live_server.url}/finance/inbox/")
    assert _shown(page) == expected - {first}
    response = page.goto(f"{live_server.url}/finance/needs/{first}/")
    assert response.status == 404

    # Every consent revoked: nothing.
    for consent in Consent.objects.filter(bank=bank, revoked_at__isnull=True):
        consent_revoke(actor=SYSTEM, consent=consent)
    page.goto(f"{live_server.url}/finance/inbox/")
    assert _shown(page) == set()
    expect(page.get_by_test_id("needs")).to_contain_text("暂无融资需求")

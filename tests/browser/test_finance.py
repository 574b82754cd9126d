"""The bank's inbox in a real browser on a phone: the demo bank user sees exactly the needs the
firms shared with its bank while the consent stands, and once the consents are revoked only the
loans it approved (its own decision records, docs/security.md)."""

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
    from zonedesk.finance.flows import DECIDED
    from zonedesk.finance.models import Consent, FinancingNeed
    from zonedesk.finance.services import consent_revoke
    from zonedesk.org.models import User

    bank = User.objects.get(username="bank").bank
    standing = Consent.objects.filter(bank=bank, revoked_at__isnull=True).exclude(
        need__status="draft"
    )
    # a need the firm withdrew before this bank took it up has left its inbox (issue 19)
    untouched = standing.filter(need__status="withdrawn").exclude(need__bank=bank)
    expected = set(standing.exclude(pk__in=untouched).values_list("need_id", flat=True))
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

    # The firm revokes the consent of a need the bank has not approved: the need leaves the inbox
    # at once, its page is not found.
    first = min(standing.exclude(need__status__in=DECIDED).values_list("need_id", flat=True))
    consent_revoke(actor=SYSTEM, consent=standing.get(need_id=first))
    page.goto(f"{live_server.url}/finance/inbox/")
    assert _shown(page) == expected - {first}
    response = page.goto(f"{live_server.url}/finance/needs/{first}/")
    assert response.status == 404

    # Every consent revoked: only the loans the bank approved, on pages without the firm's data.
    approved = set(
        FinancingNeed.objects.filter(bank=bank, status__in=DECIDED).values_list("pk", flat=True)
    )
    assert approved
    for consent in Consent.objects.filter(bank=bank, revoked_at__isnull=True):
        consent_revoke(actor=SYSTEM, consent=consent)
    page.goto(f"{live_server.url}/finance/inbox/")
    assert _shown(page) == approved
    page.goto(f"{live_server.url}/finance/needs/{min(approved)}/")
    expect(page.get_by_test_id("consent-revoked")).to_contain_text("企业已撤回授权")
    expect(page.get_by_test_id("need-figures")).to_have_count(0)


def test_the_leader_turns_a_declined_need_into_one_problem_on_a_phone(
    demo, live_server, open_page, log_in
):
    """The declined need's page offers 转为问题; the click opens the financing problem, whose
    panel shows the need with its state and the bank's answer, the cash-relief measures and the
    bridge fund's standing, inside the phone's width and without console errors; back on the
    need, the button has become the problem's link, and no second problem is made."""
    from zonedesk.finance.models import BridgeFund, FinancingNeed

    need = (
        FinancingNeed.objects.filter(
            status="declined", problem__isnull=True, enterprise__zone__code="demo"
        )
        .order_by("pk")
        .first()
    )
    assert need is not None
    problems_before = need.enterprise.problems.count()

    page, problems = open_page(viewport={"width": 390, "height": 844})
    log_in(page, live_server.url, "leader", then=f"/finance/needs/{need.pk}/")
    expect(page.get_by_test_id(f"decline-followup-{need.pk}")).to_be_visible()
    page.get_by_test_id("to-problem").click()
    page.wait_for_url("**/casework/problems/*/")
    panel = page.get_by_test_id(f"problem-need-{need.pk}")
    expect(panel).to_contain_text("已拒绝")
    expect(panel).to_contain_text("拒绝原因")
    # the one panel also offers what relieves the firm's cash and its bridge-fund standing
    expect(page.get_by_test_id("problem-relief")).to_contain_text("缓解资金压力的扶持政策")
    assert BridgeFund.objects.filter(zone=need.enterprise.zone, active=True).exists()
    bridge = page.get_by_test_id("problem-bridge")
    expect(bridge).to_contain_text("单户上限")
    box = bridge.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 391
    assert page.evaluate(NOTHING_SCROLLS)

    page.goto(f"{live_server.url}/finance/needs/{need.pk}/")
    expect(page.get_by_test_id("followup-problem")).to_be_visible()
    expect(page.get_by_test_id("to-problem")).to_have_count(0)
    need.refresh_from_db()
    assert need.problem is not None and need.problem.category == "finance"
    assert need.enterprise.problems.count() == problems_before + 1
    assert problems == []


def test_a_refused_approval_stays_on_the_needs_address_with_the_typed_values(
    demo, live_server, open_page, log_in
):
    """The bank approves more than the firm asked for: the page comes back with the amount and
    rate typed, the error under the amount, and the address bar on the need's page (not
    …/move/), so a reload shows the need and posts nothing again."""
    from zonedesk.finance.models import FinancingNeed
    from zonedesk.org.models import User

    bank = User.objects.get(username="bank").bank
    need = (
        FinancingNeed.objects.filter(
            status="under_review",
            consents__bank=bank,
            consents__revoked_at__isnull=True,
        )
        .filter(_open_to(bank))
        .order_by("pk")
        .first()
    )
    assert need is not None
    page, problems = open_page()
    own = f"/finance/needs/{need.pk}/"
    log_in(page, live_server.url, "bank", then=own)
    form = page.get_by_test_id("move-approved")
    above = f"{need.amount_wan + 1:f}"
    form.locator("input[name=amount_wan]").fill(above)
    form.locator("input[name=rate_pct]").fill("4.35")
    form.get_by_test_id("do-approved").click()
    form = page.get_by_test_id("move-approved")
    expect(form.get_by_test_id("error-amount_wan")).to_be_visible()
    expect(form.locator("input[name=amount_wan]")).to_have_value(above)
    expect(form.locator("input[name=rate_pct]")).to_have_value("4.35")
    assert page.evaluate("window.location.pathname") == own
    need.refresh_from_db()
    assert need.status == "under_review"
    # the refusal answers 400, which the browser logs; nothing else went wrong
    assert [p for p in problems if "400" not in p] == []


def _open_to(bank):
    from django.db.models import Q

    return Q(bank__isnull=True) | Q(bank=bank)

"""Support policies in a real browser: an officer moves a benefit along on a phone, a leader
reads the zone's coverage, a firm declines a benefit with a reason."""

import re

import pytest
from playwright.sync_api import expect

from zonedesk.policies.models import Entitlement, EntitlementEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_moves_a_benefit_along_on_a_phone(demo, live_server, open_page, log_in, phone):
    page, problems = open_page(viewport=phone)
    log_in(page, live_server.url, "officer", then="/policies/")
    expect(page).to_have_url(re.compile(r"/policies/open/$"))
    page.locator("[data-testid=open-table] tbody tr a").first.click()
    card = page.locator("[data-testid=group-open] .card").first
    pk = int(card.get_attribute("id")[1:])
    before = Entitlement.objects.get(pk=pk)
    # why: each condition in words with the firm's own value (an official reads 该企业)
    card.locator("details summary").first.click()
    expect(card.get_by_test_id("conditions").locator("li").first).to_contain_text("该企业")

    if before.state == "identified":
        card.get_by_test_id("move-notified").click()
        card = page.locator(f"#e{pk}")
        expect(card.get_by_test_id("state")).to_have_text("已告知")
    card.locator("details.move summary", has_text="登记审批").click()
    card.locator("input[name=amount_wan]").fill("")
    card.get_by_role("button", name="保存").click()  # no amount: refused, said beside it
    expect(page.locator(f"#e{pk}").get_by_test_id("move-errors")).to_contain_text("金额")
    card = page.locator(f"#e{pk}")
    card.locator("input[name=amount_wan]").fill("3.5")
    card.get_by_role("button", name="保存").click()
    expect(page.locator(f"#e{pk}").get_by_test_id("state")).to_have_text("已审批")

    after = Entitlement.objects.get(pk=pk)
    assert after.state == "approved" and str(after.approved_wan) == "3.50"
    assert EntitlementEvent.objects.filter(entitlement=after, actor__username="officer").exists()
    assert [p for p in problems if "HTTP 400" not in p and "status of 400" not in p] == []


def test_leader_reads_coverage_by_level_and_opens_a_firm(demo, live_server, open_page, log_in):
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then="/policies/")
    levels = page.get_by_test_id("coverage-levels")
    for key, count in (("province", "13"), ("city", "35"), ("county", "22")):
        expect(levels.locator(f"tr[data-key={key}] td").nth(1)).to_have_text(count)
    eligible = Entitlement.objects.filter(
        enterprise__zone__code="demo", decision="eligible"
    ).count()
    expect(levels.locator("tr[data-key=total] td").nth(2)).to_have_text(f"{eligible:,}")
    first = page.get_by_test_id("unclaimed").locator("a").first
    name = first.locator("span.flex-fill").inner_text().split("\n")[0]
    first.click()
    expect(page.locator(".page-title")).to_contain_text(name)
    assert problems == []


def test_a_firm_declines_a_benefit_with_a_reason(demo, live_server, open_page, log_in, phone):
    page, problems = open_page(viewport=phone)
    log_in(page, live_server.url, "firm", then="/policies/")
    expect(page.get_by_test_id("benefit-summary")).to_be_visible()
    card = page.locator("[data-testid=group-open] .card", has=page.locator("details.move")).first
    pk = int(card.get_attribute("id")[1:])
    card.locator("details.move summary", has_text="放弃").click()
    card.locator("textarea[name=note]").fill("本企业暂不需要（测试）")
    card.get_by_role("button", name="保存").click()
    expect(page.locator(f"#e{pk}").get_by_test_id("state")).to_have_text("企业放弃")
    assert Entitlement.objects.get(pk=pk).reason == "本企业暂不需要（测试）"
    assert problems == []


def test_the_rule_editor_checks_as_one_types_and_the_saved_measure_is_matched(
    demo, live_server, open_page, log_in
):
    page, problems = open_page()
    log_in(page, live_server.url, "city", then="/policies/library/")
    page.get_by_role("link", name=re.compile("三十五条")).click()
    page.get_by_test_id("new-measure").click()
    page.fill("#id_clause", "第三十六条")
    page.fill("#id_title", "测试补贴（合成）")
    page.select_option("#id_benefit_type", "subsidy")
    page.get_by_test_id("rule-eligibility").fill("employes >= 20")
    expect(page.get_by_test_id("rule-problem-eligibility")).to_contain_text("employees")
    page.get_by_test_id("rule-eligibility").fill("employees >= 100")
    page.get_by_test_id("rule-benefit").fill("employees * 0.01")
    preview = page.get_by_test_id("rule-preview")
    expect(preview).to_contain_text("规则有效")
    eligible = int(re.search(r"符合 (\d+) 家", preview.inner_text()).group(1))
    page.get_by_test_id("save-measure").click()
    expect(page.get_by_test_id("rule")).to_have_text("本月末用工人数不少于 100 人")
    from zonedesk.policies.models import Measure

    measure = Measure.objects.get(title="测试补贴（合成）")
    assert measure.entitlements.filter(decision="eligible").count() == eligible > 0
    assert problems == []


def test_a_zone_leader_is_told_who_edits_a_county_measure(demo, live_server, open_page, log_in):
    """A county's measure is edited by the county's administrators and leaders: the zone's
    leader sees no edit link, a note naming them, and the edit address says the same in a 403."""
    from zonedesk.policies.models import Measure

    measure = Measure.objects.filter(document__area__code="511723").order_by("pk").first()
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then=f"/policies/measures/{measure.pk}/")
    expect(page.get_by_test_id("rule")).to_be_visible()
    expect(page.get_by_test_id("edit-measure")).to_have_count(0)
    expect(page.get_by_test_id("edit-refusal")).to_contain_text("开江县的管理员和领导")

    response = page.goto(f"{live_server.url}/policies/measures/{measure.pk}/edit/")
    assert response.status == 403
    refusal = page.get_by_test_id("refusal")
    expect(refusal).to_contain_text(f"《{measure.document.title}》是开江县的文件")
    expect(refusal).to_contain_text("只有开江县的管理员和领导可以编辑")
    expect(page.locator("h2.page-title")).to_have_text("403")
    assert [p for p in problems if "HTTP 403" not in p and "status of 403" not in p] == []


@pytest.mark.parametrize(
    "viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}]
)
def test_the_firm_status_checkboxes_show_whole_and_save(
    demo, live_server, open_page, log_in, viewport
):
    """Each firm-status checkbox and its label lie inside the form's card, on one line; ticking
    "closed" is saved with the measure."""
    from zonedesk.policies.models import Measure

    measure = Measure.objects.filter(document__area__code="511723").order_by("pk").first()
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "city", then=f"/policies/measures/{measure.pk}/edit/")
    statuses = page.get_by_test_id("firm-statuses")
    card = statuses.locator("xpath=ancestor::div[contains(@class, 'card-body')][1]").bounding_box()
    options = statuses.locator("label.form-check")
    expect(options).to_have_count(4)
    for option in options.all():
        box, tick = option.bounding_box(), option.locator("input").bounding_box()
        text = option.locator(".form-check-label").bounding_box()
        assert tick["x"] >= card["x"] and box["x"] + box["width"] <= card["x"] + card["width"]
        assert text["height"] < 2 * tick["height"] + 4, option.inner_text()  # one line
    statuses.get_by_label("关闭").check()
    page.get_by_test_id("save-measure").click()
    expect(page.get_by_test_id("firm-statuses")).to_contain_text("关闭")
    measure.refresh_from_db()
    assert "closed" in measure.firm_statuses
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert problems == []

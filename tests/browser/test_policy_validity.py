"""Policy validity and rules in Chinese in a real browser (issue 17, items 5 and 6): the measure
page shows the document's status on the zone's as-of date and the rule as a Chinese sentence;
the editor takes a rule in Chinese, previews it on the as-of date and the save says the same;
a firm reads each condition with its own value, never the code."""

import datetime as dt
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from zonedesk.core.actors import SYSTEM
from zonedesk.enterprises.models import Enterprise
from zonedesk.org.models import Zone
from zonedesk.policies import asof, services
from zonedesk.policies.models import Entitlement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def label(status: str) -> str:
    with translation.override("zh-hans"):
        return str(asof.STATUS_LABELS[status])


def zone_measure(zone, *, eligibility, valid_from, title):
    doc = services.document_create(
        actor=SYSTEM,
        data=services.DocumentData(
            level="zone",
            zone=zone,
            issuer="演示经开区管委会（合成）",
            title=title,
            valid_from=valid_from,
        ),
    )
    return services.measure_create(
        actor=SYSTEM,
        document=doc,
        data=services.MeasureData(
            clause="第一条", title=f"{title}·稳岗", benefit_type="subsidy", eligibility=eligibility
        ),
    )


def test_the_measure_page_shows_its_status_and_its_rule_in_chinese(
    demo, live_server, open_page, log_in
):
    zone = Zone.objects.get(code="demo")
    as_of = asof.zone_as_of(zone)
    in_force = zone_measure(
        zone,
        eligibility="从业人数 >= 100 且 本年停产天数 >= 45",
        valid_from=dt.date(2020, 1, 1),
        title="在施措施（合成）",
    )
    later = zone_measure(
        zone,
        eligibility="employees >= 1",
        valid_from=as_of.date + dt.timedelta(days=1),
        title="未生效措施（合成）",
    )
    assert not Entitlement.objects.filter(
        measure=later
    ).exists()  # nothing matched before it starts

    page, problems = open_page()
    log_in(page, live_server.url, "leader", then=f"/policies/measures/{in_force.pk}/")
    badge = page.get_by_test_id("measure-validity").get_by_test_id("validity")
    expect(badge).to_have_attribute("data-status", "in_force")
    expect(badge).to_have_text(label(asof.IN_FORCE))
    expect(page.get_by_test_id("measure-validity")).to_contain_text(as_of.date.isoformat())
    expect(page.get_by_test_id("rule")).to_have_text(
        "本月末用工人数不少于 100 人，且本年累计停产天数不少于 45 天"
    )
    assert "days_halted" not in page.content() and "从业人数 >=" not in page.content()

    page.goto(f"{live_server.url}/policies/measures/{later.pk}/")
    badge = page.get_by_test_id("measure-validity").get_by_test_id("validity")
    expect(badge).to_have_attribute("data-status", "not_yet")
    expect(badge).to_have_text(label(asof.NOT_YET))
    assert problems == []


def test_the_editor_previews_a_chinese_rule_on_the_as_of_date_and_the_save_agrees(
    demo, live_server, open_page, log_in
):
    zone = Zone.objects.get(code="demo")
    as_of = asof.zone_as_of(zone)
    m = zone_measure(
        zone, eligibility="employees >= 1", valid_from=dt.date(2020, 1, 1), title="编辑措施（合成）"
    )
    page, problems = open_page()
    log_in(page, live_server.url, "admin", then=f"/policies/measures/{m.pk}/edit/")
    rule = page.get_by_test_id("rule-eligibility")
    expect(page.get_by_test_id("rule-preview")).to_have_attribute("data-rule", "employees >= 1")
    rule.fill("从业人数 >= 50 且 非 规上企业")
    preview = page.get_by_test_id("rule-preview")
    expect(preview).to_have_attribute("data-rule", "从业人数 >= 50 且 非 规上企业")
    expect(preview).to_have_attribute("data-as-of", as_of.date.isoformat())
    eligible = preview.get_attribute("data-eligible")
    undetermined = preview.get_attribute("data-undetermined")
    page.get_by_test_id("save-measure").click()
    expect(page).to_have_url(re.compile(rf"/policies/measures/{m.pk}/$"))
    said = page.locator(".alert-success").first
    expect(said).to_contain_text(as_of.date.isoformat())
    stored = Entitlement.objects.filter(measure=m, enterprise__zone=zone)
    assert str(stored.filter(decision="eligible").count()) == eligible
    assert str(stored.filter(decision="undetermined").count()) == undetermined
    expect(said).to_contain_text(eligible)
    expect(page.get_by_test_id("rule")).to_have_text(
        "本月末用工人数不少于 50 人，且不是规模以上企业"
    )

    # a typo in Chinese: the word and its position, in Chinese
    page.goto(f"{live_server.url}/policies/measures/{m.pk}/edit/")
    page.get_by_test_id("rule-eligibility").fill("从业人口 >= 50")
    expect(page.get_by_test_id("rule-problem-eligibility")).to_contain_text(
        "第 1 个字符处：未知的指标“从业人口”，是否指 从业人数？"
    )
    assert problems == []


def test_a_firm_reads_its_conditions_as_sentences_with_its_own_values(
    demo, live_server, open_page, log_in, phone
):
    firm = Enterprise.objects.get(members__user__username="firm")
    page, problems = open_page(viewport=phone)
    log_in(page, live_server.url, "firm", then=f"/policies/firms/{firm.pk}/")
    conditions = page.get_by_test_id("condition")
    expect(conditions.first).to_contain_text("贵企业")
    texts = " ".join(conditions.all_text_contents())
    assert not re.search(r"[a-z]+_[a-z_]+|>=|<=|==", texts), texts  # never the rule's code
    assert problems == []

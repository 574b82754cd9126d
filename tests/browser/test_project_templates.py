"""A leader edits the industrial node template on a phone: adds a node (which makes the zone's
own copy of the installation's default), makes it wait for another and gives it its own yellow
warning, moves it up, then restores the default; the page fits the screen, names the zone and
whether a kind's template is the zone's own or the default, and says existing projects keep their
nodes."""

import pytest
from playwright.sync_api import expect

from zonedesk.projects.models import NodeTemplate, TemplateNode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
NOTHING_SCROLLS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_a_leader_edits_a_template_on_a_phone(demo, live_server, open_page, log_in):
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, "leader", then="/projects/")
    page.get_by_test_id("templates-link").click()
    expect(page.get_by_test_id("templates-note")).to_contain_text("已有项目保留原有节点")
    card = page.get_by_test_id("template-industrial")
    expect(card.locator("[data-testid=tnode-industrial-producing]")).to_be_visible()
    expect(page.get_by_test_id("templates-whose")).to_contain_text("的节点模板")
    expect(card.get_by_test_id("template-default-industrial")).to_have_text("系统默认")
    assert page.evaluate(NOTHING_SCROLLS)

    card.get_by_test_id("tnode-add-industrial").click()
    form = card.get_by_test_id("tnode-add-form-industrial")
    form.locator("[name=add-industrial-name]").fill("环评批复")
    form.locator("[name=add-industrial-code]").fill("env")
    form.locator("[name=add-industrial-offset_days]").fill("60")
    form.locator("[name=add-industrial-department_name]").fill("生态环境分局")
    form.get_by_test_id("tnode-add-save-industrial").click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success")).to_be_visible()
    added = TemplateNode.objects.get(template__kind="industrial", code="env")
    assert added.template.zone is not None  # the zone's own copy; the default is untouched
    assert not TemplateNode.objects.filter(template__zone=None, code="env").exists()
    expect(page.get_by_test_id("tnode-industrial-env")).to_be_visible()
    expect(card.get_by_test_id("template-own-industrial")).to_have_text("本园区自有")

    page.get_by_test_id(f"tnode-edit-{added.pk}").click()
    edit = page.get_by_test_id("tnode-form")
    expect(edit).to_be_visible()
    assert page.evaluate(NOTHING_SCROLLS)
    edit.locator("[name=depends_on][value=approve]").check()
    edit.locator("[name=name]").fill("环境影响评价批复")
    edit.locator("[name=warn_days]").fill("8")
    page.get_by_test_id("save").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("tnode-industrial-env")).to_contain_text("环境影响评价批复")
    expect(page.get_by_test_id(f"tnode-warn-{added.pk}")).to_have_text("8")
    expect(page.get_by_test_id("tnode-industrial-env")).to_contain_text("立项/备案")

    page.get_by_test_id(f"tnode-up-{added.pk}").click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success")).to_be_visible()
    added.refresh_from_db()
    assert added.seq == 12
    assert [d.code for d in added.depends_on.all()] == ["approve"]
    assert added.warn_days == 8
    assert page.evaluate(NOTHING_SCROLLS)

    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_test_id("template-restore-industrial").click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success")).to_contain_text("恢复使用系统默认模板")
    expect(card.get_by_test_id("template-default-industrial")).to_be_visible()
    expect(page.get_by_test_id("tnode-industrial-env")).to_have_count(0)
    assert not NodeTemplate.objects.exclude(zone=None).exists()
    assert problems == []

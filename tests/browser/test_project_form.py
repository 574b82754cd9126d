"""A leader adds a key project on a phone (pform): the form fits the screen, the investor is
picked from the zone's firms, and the new project's page shows its nodes planned from the
signing date."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from zonedesk.enterprises.models import Enterprise
from zonedesk.org.models import User
from zonedesk.projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
NOTHING_SCROLLS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_a_leader_creates_a_project_on_a_phone(demo, live_server, open_page, log_in):
    leader = User.objects.get(username="leader")
    firm = Enterprise.objects.filter(zone=leader.zone).order_by("name").first()
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, "leader", then="/projects/")
    page.get_by_test_id("project-new").click()
    form = page.get_by_test_id("project-form")
    expect(form).to_be_visible()
    assert page.evaluate(NOTHING_SCROLLS)
    form.locator("[name=code]").fill("XM-PHONE-1")
    form.locator("[name=name]").fill("手机新增智能制造项目")
    form.locator("[name=level]").select_option("city")
    form.locator("[name=kind]").select_option("industrial")
    form.locator("[name=investor]").fill(firm.name)
    form.locator("[name=industry_code]").fill("C3311")
    form.locator("[name=total_investment_wan]").fill("68000")
    form.locator("[name=first_production_month]").fill("2028-06")
    form.locator("[name=signed_on]").fill("2026-11-02")
    form.locator("[name=leading_cadre]").select_option(str(leader.pk))
    page.get_by_test_id("save").click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success")).to_be_visible()

    project = Project.objects.get(code="XM-PHONE-1")
    assert project.investor == firm and project.leading_cadre == leader
    rows = page.locator("[data-testid=nodes] tbody tr[data-testid^=node-]")
    expect(rows).to_have_count(project.nodes.count())
    first = project.nodes.order_by("seq").first()
    assert first.baseline_on == dt.date(2026, 11, 2)
    expect(page.get_by_test_id(f"node-{first.code}")).to_contain_text("2026-11-02")
    expect(page.get_by_test_id("project-edit")).to_be_visible()
    assert page.evaluate(NOTHING_SCROLLS)
    assert problems == []

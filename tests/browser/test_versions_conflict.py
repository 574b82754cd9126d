"""Two people edit the same firm in two browsers: the second save comes back with the first
person's change shown beside the second's input; saving again puts the second's on top."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.test_pages import PASSWORD, log_in
from zonedesk.enterprises.models import Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db):
    world = factories.world()
    for u in world.users.values():
        u.set_password(PASSWORD)
        u.save(update_fields=["password"])
    return world


def test_the_second_save_shows_the_first_change_and_saves_on_top(people, live_server, open_page):
    url = f"{live_server.url}/enterprises/{people.firm_a.pk}/edit/"
    leader, leader_problems = open_page()
    officer, officer_problems = open_page()
    for page, who in ((leader, "leader"), (officer, "officer")):
        log_in(page, live_server.url, who)
        page.goto(url)
        expect(page.locator("#id_address")).to_be_visible()

    officer.fill("#id_address", "乙路 2 号")
    officer.get_by_test_id("save").click()
    expect(officer).to_have_url(re.compile(rf"/enterprises/{people.firm_a.pk}/$"))

    leader.fill("#id_address", "甲路 1 号")
    leader.get_by_test_id("save").click()
    expect(leader.get_by_test_id("form-errors")).to_contain_text("officer")
    expect(leader.get_by_test_id("theirs-address")).to_contain_text("乙路 2 号")
    expect(leader.locator("#id_address")).to_have_value("甲路 1 号")
    assert Enterprise.objects.get(pk=people.firm_a.pk).address == "乙路 2 号"

    leader.get_by_test_id("save").click()
    expect(leader).to_have_url(re.compile(rf"/enterprises/{people.firm_a.pk}/$"))
    assert Enterprise.objects.get(pk=people.firm_a.pk).address == "甲路 1 号"
    assert officer_problems == []
    assert [p for p in leader_problems if "409" not in p] == []  # the refused save only
